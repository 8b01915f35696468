package org.smapimigrate.xapi.inventory;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.xapi.XapiRecords;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.records.Sm;
import org.smapimigrate.xapi.records.Sr;
import org.smapimigrate.xapi.records.Vbd;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.Vm;
import org.smapimigrate.xapi.records.XapiClass;
import org.smapimigrate.xapi.wire.XapiDateTime;

/**
 * What a pool holds, for {@code scan --xapi}: its SRs (type, SMAPIv1 or SMAPIv3, size, free) and
 * its VMs with their disks (VBD device, VDI name and uuid, SR, size) and snapshots. Read with one
 * get_all_records per class, so it is a consistent-enough snapshot without thousands of calls.
 * Control domains and templates are left out; snapshot VMs appear under their VM. Nothing here
 * reads device_config (it may hold secrets).
 */
public record XapiInventory(List<SrEntry> srs, List<VmEntry> vms) {

    public record SrEntry(String uuid, String name, String type, SmapiVersion smapi, String contentType, boolean shared,
                          long size, long free, int vdis) {
    }

    /** One VBD: an empty CD drive has no VDI (vdiUuid, vdiName and srUuid empty, size 0). */
    public record Disk(String userdevice, String device, String type, boolean empty, String mode, String vdiUuid,
                       String vdiName, String srUuid, String srName, long size, boolean attached) {
    }

    public record VmEntry(String uuid, String name, String powerState, List<Disk> disks, List<SnapshotEntry> snapshots) {
    }

    public record SnapshotEntry(String uuid, String name, Instant time, List<Disk> disks) {
    }

    public static XapiInventory read(XapiSession session) throws IOException {
        XapiRecords r = new XapiRecords(session);
        Map<String, Sr> srs = r.all(XapiClass.SR);
        Map<String, Sm> sms = new HashMap<>();
        r.all(XapiClass.SM).values().forEach(sm -> sms.put(sm.type(), sm));
        Map<String, Vdi> vdis = r.all(XapiClass.VDI);
        Map<String, Vbd> vbds = r.all(XapiClass.VBD);
        Map<String, Vm> vms = r.all(XapiClass.VM);

        List<SrEntry> srList = new ArrayList<>();
        for (Sr sr : srs.values()) {
            srList.add(new SrEntry(sr.uuid(), sr.nameLabel(), sr.type(), SmapiVersion.of(sr.type(), sms),
                    sr.contentType(), sr.shared(), sr.physicalSize(), sr.free(), sr.vdis().size()));
        }
        srList.sort(Comparator.comparing(SrEntry::name).thenComparing(SrEntry::uuid));

        List<VmEntry> vmList = new ArrayList<>();
        for (Vm vm : vms.values()) {
            if (vm.isControlDomain() || vm.isSnapshot() || vm.isTemplate()) {
                continue;
            }
            List<SnapshotEntry> snaps = new ArrayList<>();
            for (String s : vm.snapshots()) {
                Vm snap = vms.get(s);
                if (snap != null) {
                    snaps.add(new SnapshotEntry(snap.uuid(), snap.nameLabel(), snap.snapshotTime(),
                            disks(snap, vbds, vdis, srs)));
                }
            }
            snaps.sort(Comparator.comparing(SnapshotEntry::time).thenComparing(SnapshotEntry::uuid));
            vmList.add(new VmEntry(vm.uuid(), vm.nameLabel(), vm.powerState(), disks(vm, vbds, vdis, srs), snaps));
        }
        vmList.sort(Comparator.comparing(VmEntry::name).thenComparing(VmEntry::uuid));
        return new XapiInventory(List.copyOf(srList), List.copyOf(vmList));
    }

    private static List<Disk> disks(Vm vm, Map<String, Vbd> vbds, Map<String, Vdi> vdis, Map<String, Sr> srs) {
        List<Disk> out = new ArrayList<>();
        for (String ref : vm.vbds()) {
            Vbd vbd = vbds.get(ref);
            if (vbd == null) {
                continue;
            }
            Vdi vdi = vbd.empty() ? null : vdis.get(vbd.vdi());
            Sr sr = vdi == null ? null : srs.get(vdi.sr());
            out.add(new Disk(vbd.userdevice(), vbd.device(), vbd.type(), vbd.empty(), vbd.mode(),
                    vdi == null ? "" : vdi.uuid(), vdi == null ? "" : vdi.nameLabel(), sr == null ? "" : sr.uuid(),
                    sr == null ? "" : sr.nameLabel(), vdi == null ? 0 : vdi.virtualSize(), vbd.currentlyAttached()));
        }
        out.sort(Comparator.comparing((Disk d) -> userdeviceOrder(d.userdevice())).thenComparing(Disk::userdevice));
        return out;
    }

    private static int userdeviceOrder(String u) {
        try {
            return Integer.parseInt(u);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** The inventory as JSON: {srs: [...], vms: [...]}, sizes in bytes, times as XAPI writes them. */
    public ObjectNode toJson() {
        JsonNodeFactory n = JsonNodeFactory.instance;
        ObjectNode root = n.objectNode();
        ArrayNode s = root.putArray("srs");
        for (SrEntry e : srs) {
            s.addObject().put("uuid", e.uuid()).put("name", e.name()).put("type", e.type())
                    .put("smapi", e.smapi().label()).put("content_type", e.contentType()).put("shared", e.shared())
                    .put("size", e.size()).put("free", e.free()).put("vdis", e.vdis());
        }
        ArrayNode v = root.putArray("vms");
        for (VmEntry e : vms) {
            ObjectNode o = v.addObject().put("uuid", e.uuid()).put("name", e.name()).put("power_state", e.powerState());
            disksJson(o.putArray("disks"), e.disks());
            ArrayNode sn = o.putArray("snapshots");
            for (SnapshotEntry x : e.snapshots()) {
                ObjectNode so = sn.addObject().put("uuid", x.uuid()).put("name", x.name())
                        .put("snapshot_time", XapiDateTime.format(x.time()));
                disksJson(so.putArray("disks"), x.disks());
            }
        }
        return root;
    }

    private static void disksJson(ArrayNode a, List<Disk> disks) {
        for (Disk d : disks) {
            a.addObject().put("userdevice", d.userdevice()).put("device", d.device()).put("type", d.type())
                    .put("empty", d.empty()).put("mode", d.mode()).put("vdi_uuid", d.vdiUuid())
                    .put("vdi_name", d.vdiName()).put("sr_uuid", d.srUuid()).put("sr_name", d.srName())
                    .put("size", d.size()).put("attached", d.attached());
        }
    }
}
