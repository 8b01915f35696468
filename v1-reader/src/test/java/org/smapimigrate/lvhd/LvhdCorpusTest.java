package org.smapimigrate.lvhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.Leftover;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;
import org.smapimigrate.lvm.LvmCorpus;

/** The LVHD SR {@code lvhd-thick-1pv.img} read through {@link LvhdSr}, checked against manifest-lvm.json. */
class LvhdCorpusTest {
    private static String gzHashBefore;
    private static Path image;
    private static JsonNode sr;
    private static LvhdSr lvhd;
    private static SrInventory inventory;

    @BeforeAll
    static void open() throws IOException {
        gzHashBefore = LvmCorpus.sha256(LvmCorpus.gz());
        image = LvmCorpus.image();
        sr = LvmCorpus.sr();
        assertTrue(LvhdSr.isLvmPhysicalVolume(image));
        lvhd = LvhdSr.open(List.of(image));
        inventory = lvhd.inventory();
    }

    @AfterAll
    static void sourceUntouched() throws IOException {
        lvhd.close();
        assertEquals(gzHashBefore, LvmCorpus.sha256(LvmCorpus.gz()), "the corpus file changed");
        assertEquals(sr.get("pv_images").get(0).get("uncompressed_sha256").asText(), LvmCorpus.sha256(image),
                "the PV image changed while the SR was read");
    }

    @Test
    void srIdentityComesFromTheVgNameAndMgt() {
        assertEquals("lvm", inventory.type());
        assertEquals(sr.get("sr_uuid").asText(), inventory.uuid());
        assertEquals(sr.get("mgt").get("sr").get("name_label").asText(), inventory.nameLabel());
        SrMetadataVolume mgt = lvhd.srMetadata();
        assertEquals(sr.get("mgt").get("header_length").asLong(), mgt.length());
        assertEquals(sr.get("mgt").get("major").asInt(), mgt.major());
        assertEquals(sr.get("mgt").get("minor").asInt(), mgt.minor());
        JsonNode srRecord = sr.get("mgt").get("sr");
        assertEquals(new SrMetadataVolume.SrRecord(srRecord.get("uuid").asText(), srRecord.get("allocation").asText(),
                srRecord.get("name_label").asText(), srRecord.get("name_description").asText()), mgt.sr());
    }

    @Test
    void everyVdiHasTheManifestsStructureAndNames() {
        assertEquals(uuids(sr.get("vdis")), new HashSet<>(inventory.vdis().stream().map(VdiEntry::uuid).toList()));
        for (JsonNode m : sr.get("vdis")) {
            VdiEntry v = inventory.vdi(m.get("uuid").asText());
            String what = m.get("lv").asText();
            assertEquals(m.get("lv").asText(), v.lv(), what);
            assertEquals(m.get("type").asText().equals("aio") ? "raw" : "vhd", v.format(), what);
            assertEquals(m.get("virtual_size").asLong(), v.virtualSize(), what);
            assertEquals(m.get("hidden").asBoolean(), v.hidden(), what);
            assertEquals(expectedRole(m), v.role(), what);
            assertEquals(m.get("parent_lv").isNull() ? null : m.get("parent_lv").asText().replaceFirst("^(VHD|LV)-", ""),
                    v.parent(), what);
            assertEquals(m.get("chain").size(), v.depth(), what);
            assertTrue(v.readable(), what);
            JsonNode mgt = m.get("mgt");
            assertEquals(mgt.isNull() ? null : mgt.get("name_label").asText(), v.nameLabel(), what);
            assertEquals(mgt.isNull() ? null : mgt.get("name_description").asText(), v.nameDescription(), what);
            assertTrue(v.path().endsWith(":" + v.lv()) && v.path().startsWith(image.toString()), v.path());
            if (m.has("vhd")) {
                assertEquals(m.get("vhd").get("allocated_blocks").size() * m.get("vhd").get("block_size").asLong(),
                        v.allocatedBytes(), what);
            } else {
                assertEquals(m.get("lv_size").asLong(), v.allocatedBytes(), what);
            }
        }
    }

    private static VdiRole expectedRole(JsonNode m) {
        if (!m.get("leaf").asBoolean()) {
            return VdiRole.BASE_COPY;
        }
        if (m.get("hidden").asBoolean()) {
            return VdiRole.HIDDEN_LEAF;
        }
        return m.get("type").asText().equals("aio") ? VdiRole.RAW : VdiRole.USER;
    }

    @Test
    void everyVdiExportsWithTheExpectedHash() throws IOException {
        for (JsonNode m : sr.get("vdis")) {
            try (VirtualDisk disk = lvhd.openVdi(m.get("uuid").asText())) {
                assertEquals(m.get("virtual_size").asLong(), disk.size());
                assertEquals(m.get("expected_sha256").asText(), sha256(disk), m.get("lv").asText());
            }
        }
    }

    @Test
    void theLeafCoalesceLeftoverReadsThroughItsPrtUuidParent() throws IOException {
        JsonNode m = sr.get("leftover_vhds").get(0);
        try (VirtualDisk disk = lvhd.openVolume(m.get("lv").asText())) {
            assertEquals(m.get("virtual_size").asLong(), disk.size());
            assertEquals(m.get("expected_sha256").asText(), sha256(disk));
        }
        Leftover l = leftover(m.get("lv").asText());
        assertEquals(new Leftover(m.get("lv").asText(), "old-leaf-coalesce", m.get("uuid").asText(), null, true), l);
        assertTrue(lvhd.vhdVolumes().get(m.get("lv").asText()).hidden());
    }

    @Test
    void journalsAreLeftoversWithTheirValues() {
        JsonNode j = sr.get("journals").get(0);
        assertEquals(new Leftover(j.get("lv").asText(), "journal-" + j.get("type").asText(), j.get("id").asText(),
                j.get("value").asText(), null), leftover(j.get("lv").asText()));
        assertEquals(sr.get("journals").size() + sr.get("leftover_vhds").size(), inventory.leftovers().size());
    }

    @Test
    void everyMgtSlotMatchesTheManifest() {
        List<MgtVdiRecord> slots = lvhd.srMetadata().slots();
        JsonNode expected = sr.get("mgt").get("slots");
        assertEquals(expected.size(), slots.size());
        for (int i = 0; i < slots.size(); i++) {
            JsonNode e = expected.get(i);
            MgtVdiRecord r = slots.get(i);
            assertEquals(e.get("offset").asLong(), r.offset());
            assertEquals(e.get("within_header_length").asBoolean(), r.withinLength());
            assertEquals(e.get("deleted").asBoolean(), r.deleted());
            assertEquals(e.get("live").asBoolean(), r.live());
            Map<String, String> fields = new LinkedHashMap<>();
            e.get("fields").fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
            assertEquals(fields, r.fields(), "slot at " + r.offset());
        }
        MgtVdiRecord snapshot = lvhd.mgtRecord("95e00d28-d8b1-41e0-b1b2-8f9265b160c4").orElseThrow();
        assertTrue(snapshot.isASnapshot());
        assertEquals("ca470caf-5828-44dd-8a1a-eb097a998ecc", snapshot.snapshotOf());
        assertEquals("20260312T08:30:00Z", snapshot.snapshotTime());
        MgtVdiRecord base = lvhd.mgtRecord("12e9978e-9cc0-423b-9dc5-5ff20ac50018").orElseThrow();
        assertFalse(base.managed());
        assertTrue(base.readOnly());
        assertFalse(base.isASnapshot());
        assertNull(base.snapshotOf());
        assertTrue(lvhd.mgtRecord("ed55fd38-7537-423d-8bc5-95fff7bf4383").isEmpty(), "deleted slot");
        assertTrue(lvhd.mgtRecord("2152b0e8-074e-426e-bb2a-c849ebf5ff1c").isEmpty(), "past the length");
    }

    @Test
    void everyExpectedFindingIsReported() {
        for (JsonNode f : sr.get("expected_findings")) {
            String code = f.get("code").asText();
            switch (code) {
                // The clone journal is the interrupted snapshot's own problem: one cause, one problem.
                case "journal" -> assertProblem("interrupted-snapshot", f.get("lv").asText(),
                        f.get("value").asText().split("_"));
                case "interrupted_snapshot" -> assertProblem("interrupted-snapshot",
                        "clone_" + f.get("vdi").asText() + "_1", f.get("base_lv").asText(),
                        f.get("missing_clone_lv").asText().substring(4) + " was never created");
                case "vdi_not_in_mgt" -> assertCovered(f.get("lv").asText(), f.get("vdi").asText() + " has no MGT entry");
                case "leaf_coalesce_leftover" -> assertProblem("interrupted-leaf-coalesce", f.get("lv").asText(),
                        f.get("vdi").asText());
                case "parent_locator_unresolved" -> assertProblem("parent-locator-unresolved", f.get("lv").asText(),
                        f.get("locator_names").asText(), f.get("prt_uuid").asText(),
                        f.get("resolved_by_prt_uuid").asText());
                case "mgt_deleted_slot" -> assertProblem("mgt-deleted-slot", "MGT@" + f.get("offset").asText(),
                        f.get("vdi").asText());
                case "mgt_slot_beyond_header_length" -> assertProblem("mgt-slot-beyond-length",
                        "MGT@" + f.get("offset").asText(), f.get("vdi").asText());
                case "multi_segment_lv" -> assertProblem("multi-segment-lv", f.get("lv").asText(),
                        f.get("segments").asText());
                case "child_larger_than_parent" -> assertProblem("child-larger-than-parent", f.get("lv").asText(),
                        f.get("parent_lv").asText(), f.get("parent_virtual_size").asText());
                case "raw_parent" -> assertProblem("raw-parent", f.get("lv").asText(), f.get("parent_lv").asText());
                case "hidden_raw_base" -> {
                    VdiEntry v = inventory.vdis().stream().filter(e -> e.lv().equals(f.get("lv").asText()))
                            .findFirst().orElseThrow();
                    assertTrue(v.hidden() && v.role() == VdiRole.BASE_COPY && v.format().equals("raw"));
                    assertTrue(lvhd.volumeGroup().volumeGroup().lv(v.lv()).orElseThrow().readOnly());
                }
                // Informational in the manifest: stale bytes to ignore, a batmap bit the chain reads.
                case "stale_footer_inside_lv", "batmap_bit_set" -> {
                }
                default -> throw new AssertionError("unknown expected finding " + code);
            }
        }
        // The interrupted snapshot's base is neither hidden nor read-only: said once, by its cause.
        String base = "VHD-e77f6a8d-ed32-45be-bca3-3ec6bcb28a27";
        assertEquals(List.of(), paths("base-not-hidden"));
        assertEquals(List.of(), paths("base-not-read-only"));
        assertCovered(base, base + " exists, NOT hidden, NOT read-only");
        assertEquals(List.of(), inventory.problems().stream().filter(p -> p.severity() == Severity.ERROR).toList());
        assertEquals(List.of(), paths("mgt-entry-without-lv"));
    }

    private static List<String> paths(String code) {
        return inventory.problems().stream().filter(p -> p.code().equals(code)).map(Problem::path).toList();
    }

    private static void assertProblem(String code, String path, String... mentions) {
        List<Problem> found = inventory.problems().stream()
                .filter(p -> p.code().equals(code) && p.path().equals(path)).toList();
        assertEquals(1, found.size(), code + " " + path + " in " + inventory.problems());
        for (String m : mentions) {
            assertTrue(found.get(0).message().contains(m), found.get(0).message() + " should mention " + m);
        }
    }

    /** Exactly one problem with advice covers {@code lv} (at its path or as related), mentioning all. */
    private static void assertCovered(String lv, String... mentions) {
        List<Problem> found = inventory.problems().stream().filter(p -> p.covers(lv) && p.action() != null).toList();
        assertEquals(1, found.size(), lv + " in " + inventory.problems());
        for (String m : mentions) {
            assertTrue(found.get(0).message().contains(m), found.get(0).message() + " should mention " + m);
        }
    }

    private static Leftover leftover(String lv) {
        return inventory.leftovers().stream().filter(l -> l.path().equals(lv)).findFirst()
                .orElseThrow(() -> new AssertionError("no leftover " + lv + " in " + inventory.leftovers()));
    }

    private static Set<String> uuids(JsonNode array) {
        Set<String> out = new HashSet<>();
        array.forEach(n -> out.add(n.get("uuid").asText()));
        return out;
    }

    static String sha256(VirtualDisk disk) throws IOException {
        MessageDigest md = LvmCorpus.sha256();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        for (long pos = 0; pos < disk.size(); ) {
            buf.clear().limit((int) Math.min(buf.capacity(), disk.size() - pos));
            disk.read(buf, pos);
            pos += buf.limit();
            md.update(buf.flip());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static List<String> lines(List<Problem> problems) {
        List<String> out = new ArrayList<>();
        problems.forEach(p -> out.add(p.severity().label() + " " + p.code() + " " + p.path() + ": " + p.message()));
        return out;
    }
}
