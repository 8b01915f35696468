package org.smapimigrate.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.inventory.Leftover;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;

/**
 * The corpus LVHD SR ({@code lvm-sr/manifest-lvm.json}) as a reader should inventory it, with the
 * MGT names and snapshot records: ground truth for planning with snapshot records.
 */
public final class LvmCorpusInventory {
    static final long BLOCK = 2L << 20;

    public final SrInventory inventory;
    public final Map<String, SnapshotInfo> snapshots = new HashMap<>();

    public LvmCorpusInventory() throws IOException {
        JsonNode sr = new ObjectMapper().readTree(Files.readString(
                CorpusInventory.corpus().resolve("lvm-sr/manifest-lvm.json"))).get("srs").get(0);
        List<VdiEntry> vdis = new ArrayList<>();
        for (JsonNode v : sr.get("vdis")) {
            String uuid = v.get("uuid").asText();
            boolean raw = v.get("type").asText().equals("aio");
            boolean hidden = v.get("hidden").asBoolean();
            boolean leaf = v.get("children").isEmpty();
            VdiRole role = !leaf ? VdiRole.BASE_COPY : raw ? VdiRole.RAW : hidden ? VdiRole.HIDDEN_LEAF : VdiRole.USER;
            long size = v.get("virtual_size").asLong();
            long allocated = raw ? size : v.get("vhd").get("allocated_blocks").size() * BLOCK;
            String parentLv = v.get("parent_lv").isNull() ? null : v.get("parent_lv").asText();
            String parent = parentLv == null ? null : parentLv.substring(parentLv.indexOf('-') + 1);
            JsonNode mgt = v.get("mgt");
            String name = mgt == null || mgt.isNull() ? null : mgt.get("name_label").asText();
            String desc = mgt == null || mgt.isNull() ? null : mgt.get("name_description").asText();
            vdis.add(new VdiEntry(uuid, role, hidden, size, allocated, parent, v.get("chain").size(),
                    "lvhd-thick-1pv.img:" + v.get("lv").asText(), v.get("lv").asText(), name, desc, true,
                    raw ? "raw" : "vhd"));
            if (mgt != null && !mgt.isNull()) {
                String of = mgt.get("snapshot_of").asText();
                String time = mgt.get("snapshot_time").asText();
                snapshots.put(uuid, new SnapshotInfo("1".equals(mgt.get("is_a_snapshot").asText()),
                        of.isEmpty() ? null : of, time.isEmpty() ? null : time));
            }
        }
        List<Leftover> leftovers = new ArrayList<>();
        for (JsonNode l : sr.get("leftover_vhds")) {
            leftovers.add(new Leftover("lvhd-thick-1pv.img:" + l.get("lv").asText(), "old-leaf-coalesce",
                    l.get("uuid").asText(), null, true));
        }
        for (JsonNode j : sr.get("journals")) {
            leftovers.add(new Leftover("lvhd-thick-1pv.img:" + j.get("lv").asText(), "journal-" + j.get("type").asText(),
                    j.get("id").asText(), j.get("value").asText(), null));
        }
        List<Problem> problems = new ArrayList<>();
        for (JsonNode f : sr.get("expected_findings")) {
            if (f.get("code").asText().equals("interrupted_snapshot")) {
                problems.add(new Problem(Severity.WARNING, "interrupted-snapshot",
                        "lvhd-thick-1pv.img:" + f.get("base_lv").asText(), "snapshot of VDI " + f.get("vdi").asText()
                        + " was interrupted; " + f.get("missing_clone_lv").asText() + " was never created"));
            }
        }
        inventory = new SrInventory("lvhd-thick-1pv.img", "lvm", sr.get("sr_uuid").asText(),
                "Lab SAN <lvmoiscsi> & co", vdis, leftovers, problems);
    }
}
