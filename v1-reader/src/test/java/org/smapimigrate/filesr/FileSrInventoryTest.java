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

    /**
     * The manifest lists a problem per file ("codes are suggestions; a test should at least check
     * that every listed path is reported"). Here every listed path is covered by a problem, at its
     * own path or as a related file of one cause; where the listed code is the one reported at
     * that path, the severity matches too.
     */
    @Test
    void everyListedProblemIsReported() throws IOException {
        for (JsonNode p : expected.get("problems")) {
            String path = real(p.get("path").asText());
            String code = p.get("code").asText();
            List<Problem> covering = inventory.problems().stream().filter(x -> x.covers(path)).toList();
            assertFalse(covering.isEmpty(), "no problem reported for " + path);
            covering.stream().filter(x -> x.code().equals(code) && x.path().equals(path)).findFirst()
                    .ifPresent(match -> assertEquals(p.get("severity").asText(), match.severity().label(), code));
            assertTrue(covering.stream().anyMatch(x -> x.code().equals(code) || x.action() != null),
                    path + ": neither " + code + " nor a cause with advice: " + covering);
        }
    }

    /** An interrupted operation and everything it left are one problem, with one piece of advice. */
    @Test
    void oneProblemPerCause() throws IOException {
        String sr = "file-sr/b0fca227-5603-4f8a-b1be-036360633f13/";
        List<Problem> leaf = causesCovering(real(sr + "leaf_23ce6fea-eb47-412b-87b4-f54c2ce15a94"));
        assertEquals(1, leaf.size(), leaf.toString());
        Problem p = leaf.get(0);
        assertEquals("interrupted-leaf-coalesce", p.code());
        for (String part : List.of("OLD_23ce6fea-eb47-412b-87b4-f54c2ce15a94.vhd",
                "ba3a5130-5573-4bb4-ba23-dbcb64710684.vhd")) {
            String file = real(sr + part);
            assertEquals(leaf, inventory.problems().stream().filter(x -> x.covers(file)
                    && x.severity() != Severity.INFO).toList(), part + " is reported apart from its cause");
        }
        assertTrue(p.message().contains("un-hidden") && p.message().contains("not in the VDI list"), p.message());
        assertNotNull(p.action());
        String journal = real(sr + "coalesce_8b6358ce-ae33-4a6e-be18-80954e89fe5d");
        List<Problem> coalesce = inventory.problems().stream().filter(x -> x.covers(journal)).toList();
        assertEquals(1, coalesce.size(), coalesce.toString());
        assertEquals("interrupted-coalesce", coalesce.get(0).code());
        assertTrue(inventory.problems().stream().noneMatch(x -> x.code().startsWith("leftover-journal")),
                "a journal reported apart from its cause");
    }

    private static List<Problem> causesCovering(String path) {
        return inventory.problems().stream().filter(x -> x.covers(path)).toList();
    }

    /**
     * The stray snapshot temp file does not read (its parent link was removed), which is part of
     * the one cause reported for it, an interrupted snapshot; it is a leftover, never migrated.
     */
    @Test
    void theStrayNewFileIsOneFindingAndNotFatal() throws IOException {
        String stray = real("file-sr/b0fca227-5603-4f8a-b1be-036360633f13/331a22ef-50c1-48c8-8b69-8cdde37cb59e.vhd.new");
        List<Problem> about = inventory.problems().stream().filter(p -> p.covers(stray)).toList();
        assertEquals(1, about.size(), about.toString());
        assertEquals("leftover-snapshot-temp", about.get(0).code());
        assertTrue(about.get(0).message().contains("does not read (missing-parent"), about.get(0).message());
        assertTrue(inventory.leftovers().stream().anyMatch(l -> l.path().equals(stray) && !l.readable()));
    }

    @Test
    void noErrorsInTheCorpusSr() {
        List<Problem> errors = inventory.problems().stream().filter(p -> p.severity() == Severity.ERROR).toList();
        assertEquals(0, errors.size(), errors.toString());
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
