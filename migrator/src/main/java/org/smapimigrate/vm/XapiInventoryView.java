package org.smapimigrate.vm;

import java.io.PrintWriter;
import java.util.List;
import org.smapimigrate.report.Sizes;
import org.smapimigrate.xapi.OneLine;
import org.smapimigrate.xapi.inventory.XapiInventory;
import org.smapimigrate.xapi.wire.XapiDateTime;

/**
 * {@code scan --xapi} as text: the pool's SRs with type, SMAPI version, size and free space, then
 * each VM with its disks and its snapshots' disks. Names come from XAPI and may hold anything, so
 * control characters are shown escaped.
 */
public final class XapiInventoryView {
    private XapiInventoryView() {
    }

    public static void print(XapiInventory inv, String pool, PrintWriter out) {
        out.println("Pool " + pool);
        out.println();
        out.println("Storage repositories (" + inv.srs().size() + ")");
        out.printf("  %-24s %-24s %-8s %10s %10s %5s  %s%n", "NAME", "TYPE", "SMAPI", "SIZE", "FREE", "VDIS", "UUID");
        for (XapiInventory.SrEntry sr : inv.srs()) {
            out.printf("  %-24s %-24s %-8s %10s %10s %5d  %s%n", shown(sr.name(), 24), shown(sr.type(), 24),
                    sr.smapi().label(), Sizes.human(sr.size()), Sizes.human(sr.free()), sr.vdis(), shown(sr.uuid(), 36));
        }
        out.println();
        out.println("VMs (" + inv.vms().size() + ")");
        for (XapiInventory.VmEntry vm : inv.vms()) {
            out.println("  " + shown(vm.name(), 60) + "  " + shown(vm.powerState(), 12) + "  " + shown(vm.uuid(), 36));
            disks(vm.disks(), "    ", out);
            for (XapiInventory.SnapshotEntry s : vm.snapshots()) {
                out.println("    snapshot " + XapiDateTime.format(s.time()) + "  " + shown(s.name(), 60) + "  "
                        + shown(s.uuid(), 36));
                disks(s.disks(), "      ", out);
            }
        }
    }

    private static void disks(List<XapiInventory.Disk> disks, String indent, PrintWriter out) {
        for (XapiInventory.Disk d : disks) {
            String where = indent + String.format("%-4s %-3s %-6s", shown(d.type(), 6), shown(d.userdevice(), 10),
                    d.device().isEmpty() ? "-" : shown(d.device(), 8));
            if (d.empty()) {
                out.println(where + "  (empty)");
            } else {
                out.println(where + "  " + shown(d.vdiName(), 40) + "  " + shown(d.vdiUuid(), 36) + "  "
                        + Sizes.human(d.size()) + "  on " + shown(d.srName(), 40) + (d.attached() ? "  (attached)" : ""));
            }
        }
    }

    private static String shown(String s, int limit) {
        return OneLine.of(s, Math.max(limit, 36));
    }
}
