package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.lvm.LvmCorpus;
import org.smapimigrate.testing.Corpus;

/** {@code scan} and {@code export} given the PV image of the corpus LVHD SR, judged by manifest-lvm.json. */
class LvmSrCliTest {

    @TempDir
    static Path out;
    private static String pvBefore;

    @BeforeAll
    static void hashPv() throws Exception {
        pvBefore = Corpus.sha256(LvmCorpus.image());
    }

    @AfterAll
    static void pvUnchanged() throws Exception {
        assertEquals(pvBefore, Corpus.sha256(LvmCorpus.image()), "a command wrote to the PV image");
    }

    @TestFactory
    List<DynamicTest> everyVdiExportsWithTheExpectedHash() throws Exception {
        Path pv = LvmCorpus.image();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : LvmCorpus.sr().get("vdis")) {
            String uuid = v.get("uuid").asText();
            tests.add(dynamicTest(uuid, () -> {
                Path target = out.resolve(uuid + ".raw");
                CliRun r = CliRun.of("export", "-q", "--sr", pv.toString(), "--vdi", uuid, "-o", target.toString());
                assertEquals(0, r.exitCode(), r.err());
                assertEquals(v.get("expected_sha256").asText(), Corpus.sha256(target), uuid);
            }));
        }
        return tests;
    }

    @Test
    void scanJsonCarriesLvmNamesAndStructure() throws Exception {
        JsonNode sr = LvmCorpus.sr();
        CliRun r = CliRun.of("scan", "--json", LvmCorpus.image().toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode got = new ObjectMapper().readTree(r.out());
        assertEquals("lvm", got.get("sr").get("type").asText());
        assertEquals(sr.get("sr_uuid").asText(), got.get("sr").get("uuid").asText());
        assertEquals(sr.get("mgt").get("sr").get("name_label").asText(), got.get("sr").get("name_label").asText());
        Map<String, JsonNode> vdis = new HashMap<>();
        got.get("vdis").forEach(v -> vdis.put(v.get("uuid").asText(), v));
        for (JsonNode e : sr.get("vdis")) {
            JsonNode v = vdis.get(e.get("uuid").asText());
            assertNotNull(v, "missing VDI " + e.get("uuid"));
            assertEquals(e.get("lv").asText(), v.get("lv").asText());
            assertEquals(e.get("virtual_size").asLong(), v.get("virtual_size").asLong());
            assertEquals(e.get("hidden").asBoolean(), v.get("hidden").asBoolean(), e.get("lv").asText());
            String parentLv = e.get("parent_lv").isNull() ? null : e.get("parent_lv").asText();
            assertEquals(parentLv == null ? null : parentLv.replaceFirst("^(VHD|LV)-", ""),
                    v.get("parent").isNull() ? null : v.get("parent").asText(), e.get("lv").asText());
            JsonNode mgt = e.get("mgt");
            if (mgt != null && !mgt.isNull() && !"1".equals(mgt.path("deleted").asText())) {
                assertEquals(mgt.get("name_label").asText(), v.get("name_label").asText());
                assertEquals(mgt.get("name_description").asText(), v.get("name_description").asText());
                // The MGT snapshot record, as 'plan' carries it: booleans, empty as null.
                assertEquals("1".equals(mgt.get("is_a_snapshot").asText()), v.get("is_a_snapshot").asBoolean(),
                        e.get("lv").asText());
                String of = mgt.get("snapshot_of").asText();
                assertEquals(of.isEmpty() ? null : of, v.get("snapshot_of").isNull() ? null : v.get("snapshot_of").asText());
                String time = mgt.get("snapshot_time").asText();
                assertEquals(time.isEmpty() ? null : time,
                        v.get("snapshot_time").isNull() ? null : v.get("snapshot_time").asText());
            }
        }
        List<String> leftovers = new ArrayList<>();
        got.get("leftovers").forEach(l -> leftovers.add(l.get("path").asText()));
        for (JsonNode j : sr.get("journals")) {
            assertTrue(leftovers.stream().anyMatch(p -> p.endsWith(j.get("lv").asText())), "journal " + j.get("lv"));
        }
        for (JsonNode l : sr.get("leftover_vhds")) {
            assertTrue(leftovers.stream().anyMatch(p -> p.endsWith(l.get("lv").asText())), "leftover " + l.get("lv"));
        }
    }

    @Test
    void aFileThatIsNotAPvIsOneClearError() throws Exception {
        CliRun r = CliRun.of("scan", Corpus.path("broken/not-a-vhd/ee6c0087-6eec-462f-960c-2ceb32850489.vhd").toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertTrue(r.err().contains("ee6c0087-6eec-462f-960c-2ceb32850489.vhd"), r.err());
    }
}
