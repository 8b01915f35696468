package org.smapimigrate.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pass journal: a line torn by a kill is cut off, a damaged line in the middle is a one-line
 * error naming the file and offset, a second run of the same live migration is refused while the
 * first holds it, and a frozen state comes back as it went in.
 */
class PassJournalTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripTornLineAndLock() throws Exception {
        Path f = tmp.resolve("j");
        FrozenState s = new FrozenState("d", "snap", false, 4096, Instant.parse("2026-12-06T00:00:00Z"),
                Map.of("base", "b"));
        try (PassJournal j = PassJournal.open(f)) {
            j.append(PassEvent.volume("d", "vol"));
            j.append(PassEvent.frozen(0, false, s));
            IOException locked = assertThrows(IOException.class, () -> PassJournal.open(f));
            assertTrue(locked.getMessage().contains("another run"), locked.getMessage());
        }
        Files.writeString(f, "{\"event\":\"cop", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        long before = Files.size(f);
        try (PassJournal j = PassJournal.open(f)) {
            assertEquals(2, j.events().size());
            assertEquals(s, j.events().get(1).state().toState());
            assertEquals("vol", j.events().get(0).volume());
            assertEquals("d", j.events().get(0).disk(), "a per-disk line names its disk");
        }
        assertTrue(Files.size(f) < before, "the torn line is cut off");
        Files.writeString(f, "garbage\n{\"event\":\"reset\"}\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        IOException bad = assertThrows(IOException.class, () -> PassJournal.open(f));
        assertTrue(bad.getMessage().contains(f.toString()) && bad.getMessage().contains("not a pass record"),
                bad.getMessage());
        assertTrue(!bad.getMessage().contains("\n"));
    }
}
