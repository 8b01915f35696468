package org.smapimigrate.filesr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.Leftover;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.testing.Corpus;

/** The inventory of the corpus file SR against manifest {@code file_sr}. */
class FileSrInventoryTest {
    private static final String[] TREES = {"file-sr", "broken"};
    private static Map<String, String> before;
    private static JsonNode expected;
    private static SrInventory inventory;

    @BeforeAll
    static void scan() throws Exception {
        before = Corpus.fingerprint(TREES);
        expected = Corpus.manifest().get("file_sr");
        try (FileSr sr = FileSr.open(Corpus.path(expected.get("sr").get("path").asText()))) {
            inventory = sr.inventory();
        }
    }

    @AfterAll
    static void corpusUnchanged() throws Exception {
        assertEquals(before, Corpus.fingerprint(TREES), "a test modified the corpus");
    }

    private static String real(String corpusRelative) throws IOException {
        return Corpus.path(corpusRelative).toRealPath().toString();
    }

    @Test
    void srIdentity() {
        assertEquals("file", inventory.type());
        assertEquals(expected.get("sr").get("uuid").asText(), inventory.uuid());
    }

    @Test
    void vdisMatchTheManifest() throws IOException {
        Set<String> want = new TreeSet<>();
        for (JsonNode v : expected.get("vdis")) {
            want.add(v.get("uuid").asText());
        }
        assertEquals(want, inventory.vdis().stream().map(VdiEntry::uuid).collect(Collectors.toCollection(TreeSet::new)));
        for (JsonNode v : expected.get("vdis")) {
            VdiEntry e = inventory.vdi(v.get("uuid").asText());
            String id = e.uuid();
            assertEquals(v.get("role").asText(), e.role().label(), id + " role");
            assertEquals(v.get("hidden").asBoolean(), e.hidden(), id + " hidden");
            assertEquals(v.get("virtual_size").asLong(), e.virtualSize(), id + " virtual size");
            assertEquals(v.get("allocated_bytes").asLong(), e.allocatedBytes(), id + " allocated bytes");
            assertEquals(v.get("parent").isNull() ? null : v.get("parent").asText(), e.parent(), id + " parent");
            assertEquals(v.get("depth").asInt(), e.depth(), id + " depth");
            assertEquals(real(v.get("path").asText()), e.path(), id + " path");
            assertTrue(e.readable(), id + " readable");
        }
    }

    @Test
    void leftoversMatchTheManifest() throws IOException {
        Map<String, Leftover> byPath = new HashMap<>();
        for (Leftover l : inventory.leftovers()) {
            byPath.put(l.path(), l);
        }
        assertEquals(expected.get("leftovers").size(), inventory.leftovers().size(), inventory.leftovers().toString());
        for (JsonNode l : expected.get("leftovers")) {
            Leftover got = byPath.get(real(l.get("path").asText()));
            assertNotNull(got, "leftover " + l.get("path").asText());
            assertEquals(l.get("kind").asText(), got.kind());
            if (l.has("vdi_uuid")) {
                assertEquals(l.get("vdi_uuid").asText(), got.vdiUuid());
            }
            if (l.has("content")) {
                assertEquals(l.get("content").asText(), got.content());
            }
            if (l.has("readable")) {
                assertEquals(l.get("readable").asBoolean(), got.readable(), l.get("path").asText());
            }
        }
    }

    @Test
    void everyListedProblemIsReported() throws IOException {
        for (JsonNode p : expected.get("problems")) {
            String path = real(p.get("path").asText());
            String code = p.get("code").asText();
            List<Problem> atPath = inventory.problems().stream().filter(x -> x.path().equals(path)).toList();
            assertFalse(atPath.isEmpty(), "no problem reported for " + path);
            Problem match = atPath.stream().filter(x -> x.code().equals(code)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + code + " for " + path + ": " + atPath));
            assertEquals(p.get("severity").asText(), match.severity().label(), code + " severity");
        }
    }

    @Test
    void theStrayNewFileIsAnErrorButNotFatal() throws IOException {
        String stray = real("file-sr/b0fca227-5603-4f8a-b1be-036360633f13/331a22ef-50c1-48c8-8b69-8cdde37cb59e.vhd.new");
        assertTrue(inventory.problems().stream().anyMatch(p -> p.path().equals(stray)
                && p.severity() == Severity.ERROR && p.code().equals("missing-parent")), inventory.problems().toString());
    }

    @Test
    void onlyExpectedErrors() {
        List<Problem> errors = inventory.problems().stream().filter(p -> p.severity() == Severity.ERROR).toList();
        assertEquals(1, errors.size(), errors.toString());
    }

    /** Inventory readability agrees with actually opening each VDI, and raw VDIs open as files. */
    @Test
    void openVdiMatchesInventory() throws IOException {
        try (FileSr sr = FileSr.open(Corpus.path(expected.get("sr").get("path").asText()))) {
            for (VdiEntry v : inventory.vdis()) {
                try (VirtualDisk d = sr.openVdi(v.uuid())) {
                    assertEquals(v.virtualSize(), d.size(), v.uuid());
                }
            }
            ImageDefectException ex = assertThrows(ImageDefectException.class, () -> sr.openVdi("../etc"));
            assertEquals("no-such-vdi", ex.code());
            ex = assertThrows(ImageDefectException.class, () -> sr.openVdi("00000000-0000-0000-0000-000000000000"));
            assertEquals("no-such-vdi", ex.code());
        }
    }

    /** Each broken case, scanned as its own SR: the scan succeeds and names the defect. */
    @Test
    void brokenSrsScanWithoutFailing() throws IOException {
        for (JsonNode e : Corpus.manifest().get("entries")) {
            if (!e.get("kind").asText().equals("broken")) {
                continue;
            }
            String outcome = e.get("expected_outcome").asText();
            String code = outcome.substring(outcome.indexOf(": ") + 2);
            Path file = Corpus.path(e.get("file").asText()).toRealPath();
            SrInventory inv;
            try (FileSr sr = FileSr.open(Corpus.path(e.get("sr_dir").asText()))) {
                inv = sr.inventory();
            }
            assertTrue(inv.problems().stream().anyMatch(p -> p.path().equals(file.toString()) && p.code().equals(code)),
                    e.get("id").asText() + ": " + inv.problems());
            String uuid = file.getFileName().toString().replace(".vhd", "");
            assertEquals(outcome.startsWith("error"), !inv.vdi(uuid).readable(), e.get("id").asText());
        }
    }
}
