package org.smapimigrate.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.migrate.MigrationException;
import org.smapimigrate.plan.ResizeVolume;

/** The journal's file format under interruption: a torn tail is dropped and cut, anything else refused. */
class JournalTest {
    private static JournalEntry step(String id) {
        return JournalEntry.step(new ResizeVolume(id, List.of(), "create:x", "x", 1, 2), "resize-volume", 0.5,
                StepOutcome.on("key-" + id, null));
    }

    @Test
    void aTornLastLineIsIgnoredThenCutBeforeTheNextAppend(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("plan.json.journal");
        try (Journal j = Journal.open(path)) {
            j.append(JournalEntry.run("t", "plan-1", "abc", "test"));
            j.append(step("a"));
        }
        byte[] whole = Files.readAllBytes(path);
        // A kill in the middle of the next append: half a line, no newline.
        String torn = "{\"record\":\"step\",\"time\":\"t\",\"step\":\"b\",\"ki";
        Files.write(path, torn.getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

        assertEquals(List.of("a"), steps(Journal.read(path)));
        try (Journal j = Journal.open(path)) {
            assertTrue(j.tornTailCut());
            assertEquals(whole.length, Files.size(path), "the torn tail is cut off");
            j.append(step("b"));
        }
        assertEquals(List.of("a", "b"), steps(Journal.read(path)));
        try (Journal j = Journal.open(path)) {
            assertFalse(j.tornTailCut());
            assertEquals(3, j.entries().size());
            assertEquals("plan-1", j.entries().get(0).planId());
            assertEquals("key-b", j.entries().get(2).volumeKey());
        }
    }

    @Test
    void aDamagedLineBeforeTheLastIsRefused(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("j");
        try (Journal j = Journal.open(path)) {
            j.append(step("a"));
        }
        Files.write(path, "not json\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        try (Journal j = Journal.open(path)) {
            assertTrue(j.tornTailCut(), "a damaged last line is as good as torn");
            j.append(step("b"));
        }
        String text = Files.readString(path);
        Files.writeString(path, text.replace("\"step\":\"a\"", "\"step\":\"a\"\u0000garbage"));
        MigrationException e = assertThrows(MigrationException.class, () -> Journal.open(path));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
    }

    @Test
    void oneRunAtATime(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("j");
        try (Journal j = Journal.open(path)) {
            MigrationException e = assertThrows(MigrationException.class, () -> Journal.open(path));
            assertTrue(e.getMessage().contains("locked"), e.getMessage());
        }
        Journal.open(path).close();
    }

    private static List<String> steps(List<JournalEntry> entries) {
        return entries.stream().filter(JournalEntry::isStep).map(JournalEntry::step).toList();
    }
}
