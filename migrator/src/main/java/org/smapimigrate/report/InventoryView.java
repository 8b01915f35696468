package org.smapimigrate.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.inventory.Leftover;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;

/**
 * The human {@code scan} view: a summary line, every chain drawn as a tree from its root (so a
 * base copy shows the snapshots and clones that share it), then leftovers and problems.
 */
public final class InventoryView {
    private final SrInventory inv;
    private final PrintWriter out;
    private final Map<String, List<VdiEntry>> children = new LinkedHashMap<>();
    private int nameWidth = 40;

    private InventoryView(SrInventory inv, PrintWriter out) {
        this.inv = inv;
        this.out = out;
        for (VdiEntry v : inv.vdis()) {
            children.computeIfAbsent(v.parent(), k -> new ArrayList<>()).add(v);
        }
        children.values().forEach(l -> l.sort(Comparator.comparing(VdiEntry::uuid)));
    }

    public static void print(SrInventory inv, PrintWriter out) {
        new InventoryView(inv, out).print();
    }

    private void print() {
        // An XVA archive holds one VM's disks, not an SR: say so (source.XvaRepository).
        out.printf(inv.type().equals("xva") ? "VM %s  (XVA archive)%3$s%n" : "SR %s  (%s SR)%s%n",
                inv.uuid() == null ? "?" : t(inv.uuid()), t(inv.type()),
                inv.nameLabel() == null ? "" : "  \"" + t(inv.nameLabel()) + "\"");
        out.printf("   %s%n", t(inv.path()));
        long virtualUser = inv.vdis().stream().filter(v -> v.role() == VdiRole.USER || v.role() == VdiRole.RAW)
                .mapToLong(VdiEntry::virtualSize).sum();
        long allocated = inv.vdis().stream().mapToLong(VdiEntry::allocatedBytes).sum();
        out.printf("   %s: %d user, %d raw, %d base %s, %d hidden %s%n",
                plural(inv.vdis().size(), "VDI", "VDIs"), count(VdiRole.USER), count(VdiRole.RAW),
                count(VdiRole.BASE_COPY), count(VdiRole.BASE_COPY) == 1 ? "copy" : "copies",
                count(VdiRole.HIDDEN_LEAF), count(VdiRole.HIDDEN_LEAF) == 1 ? "leaf" : "leaves");
        out.printf("   %s virtual in user and raw VDIs, %s allocated in all images%n",
                Sizes.human(virtualUser), Sizes.human(allocated));
        out.println();
        nameWidth = Math.max(40, inv.vdis().stream().mapToInt(v -> 3 * Math.max(0, v.depth() - 1) + t(v.uuid()).length())
                .max().orElse(0));
        out.printf("   %-" + nameWidth + "s %-11s %10s %10s  %s%n", "VDI", "ROLE", "VIRTUAL", "ALLOCATED", "FLAGS / NAME");
        List<VdiEntry> roots = new ArrayList<>(children.getOrDefault(null, List.of()));
        // A VDI whose parent is not in the inventory (unresolvable) is drawn as a root too.
        for (VdiEntry v : inv.vdis()) {
            if (v.parent() != null && inv.vdi(v.parent()) == null) {
                roots.add(v);
            }
        }
        roots.sort(Comparator.comparing(VdiEntry::uuid));
        for (VdiEntry root : roots) {
            draw(root, "", "", 0);
        }
        if (!inv.leftovers().isEmpty()) {
            out.println();
            out.println("   Leftovers of interrupted SM operations (not migrated):");
            for (Leftover l : inv.leftovers()) {
                Problem cause = inv.problems().stream().filter(p -> p.action() != null && p.covers(l.path()))
                        .findFirst().orElse(null);
                out.printf("     %-22s %s%s%s%n", t(l.kind()), t(relative(l.path())),
                        l.content() == null ? "" : "  = \"" + t(l.content()) + "\"",
                        cause == null ? "" : "  (see " + t(cause.code()) + " below)");
            }
        }
        out.println();
        if (inv.problems().isEmpty()) {
            out.println("   No problems found.");
        } else {
            out.println("   Problems:");
            for (Severity s : new Severity[] {Severity.ERROR, Severity.WARNING, Severity.INFO}) {
                for (Problem p : inv.problems()) {
                    if (p.severity() == s) {
                        String where = relative(p.path());
                        String message = p.message().startsWith(p.path()) ? relative(p.message()) : where + ": " + p.message();
                        out.printf("     %-7s %-26s %s%n", s.label(), t(p.code()), t(message));
                        if (!p.related().isEmpty()) {
                            out.printf("     %-7s %-26s also: %s%n", "", "", t(String.join(", ",
                                    p.related().stream().map(this::relative).toList())));
                        }
                        if (p.action() != null) {
                            out.printf("     %-7s %-26s what to do: %s%n", "", "", t(p.action()));
                        }
                    }
                }
            }
        }
        out.flush();
    }

    /** Paths inside the SR are shown relative to it: the SR path is printed once at the top. */
    private String relative(String path) {
        String prefix = inv.path().endsWith("/") ? inv.path() : inv.path() + "/";
        return path != null && path.startsWith(prefix) ? path.substring(prefix.length()) : String.valueOf(path);
    }

    /** Everything printed here was read from a disk: escaped for the terminal. */
    private static String t(String s) {
        return TerminalText.escape(s);
    }

    private static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private long count(VdiRole role) {
        return inv.vdis().stream().filter(v -> v.role() == role).count();
    }

    private void draw(VdiEntry v, String prefix, String branch, int level) {
        String name = prefix + branch + t(v.uuid());
        List<String> flags = new ArrayList<>();
        if (v.hidden()) {
            flags.add("hidden");
        }
        if (!v.readable()) {
            flags.add("UNREADABLE");
        }
        if (v.nameLabel() != null) {
            flags.add("\"" + t(v.nameLabel()) + "\"");
        }
        out.printf("   %-" + nameWidth + "s %-11s %10s %10s  %s%n", name, v.role().label(), Sizes.human(v.virtualSize()),
                Sizes.human(v.allocatedBytes()), String.join(" ", flags));
        List<VdiEntry> kids = children.getOrDefault(v.uuid(), List.of());
        if (level > 64) {
            return; // a cycle would be reported as a problem; never recurse forever drawing it
        }
        String childPrefix = prefix + (branch.isEmpty() ? "" : branch.startsWith("└") ? "   " : "│  ");
        for (int i = 0; i < kids.size(); i++) {
            draw(kids.get(i), childPrefix, i == kids.size() - 1 ? "└─ " : "├─ ", level + 1);
        }
    }
}
