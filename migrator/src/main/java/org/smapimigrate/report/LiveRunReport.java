package org.smapimigrate.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.smapimigrate.live.LiveDisk;
import org.smapimigrate.live.LivePass;
import org.smapimigrate.live.LiveResult;

/**
 * The text report of a live migration (issue 13): one line per pass (bytes that changed, ranges,
 * bytes written, seconds, copy rate), the stop, the downtime (stop requested to writer started),
 * the verification and where the writer runs now; a VM of several disks has each disk's passes and
 * verification, then its one stop and downtime. Everything from outside (descriptions, hook
 * output in a failure) goes through {@link TerminalText#escape}.
 */
public final class LiveRunReport {
    private LiveRunReport() {
    }

    /** One pass as a table row. */
    public static String passLine(LivePass p) {
        return String.format(Locale.ROOT, "  %-6s %10s %8d %10s %8.3f s %12s  %s", p.last() ? "final" : Integer.toString(
                p.number()), Sizes.human(p.changed()), p.ranges(), Sizes.human(p.written()), p.seconds(),
                Sizes.rate(p.rate()), p.digest() != null ? "verified" : p.last() ? "(whole disk below)" : "");
    }

    public static String header() {
        return String.format(Locale.ROOT, "  %-6s %10s %8s %10s %10s %12s  %s", "pass", "changed", "ranges", "written",
                "time", "copy rate", "copied bytes");
    }

    public static List<String> lines(LiveResult r) {
        List<String> out = new ArrayList<>();
        out.add("live migration of " + (r.disks().size() > 1 ? r.disks().size() + " disks, " : "disk ")
                + TerminalText.escape(r.disk()) + " from " + TerminalText.escape(r.source())
                + (r.volume() == null ? "" : " into volume " + TerminalText.escape(r.volume())));
        if (r.aborted()) {
            out.add("  aborted: every snapshot released, the target volume destroyed, the writer on its old disk");
        }
        if (r.alreadyDone()) {
            out.add("  (finished by an earlier run; nothing done now)");
        }
        if (!r.passes().isEmpty()) {
            out.add(header());
            for (LivePass p : r.passes()) {
                out.add(passLine(p));
            }
        }
        if (r.disks().size() > 1) {
            // A VM of several disks: each disk's passes and verification; the stop and downtime below are the VM's.
            for (LiveDisk d : r.disks()) {
                out.addAll(diskLines(d));
            }
        }
        out.add("  passes before the switch-over: " + r.livePasses());
        if (r.stop() != null) {
            out.add("  stop: " + TerminalText.escape(r.stop()));
        }
        if (r.downtimeSeconds() != null) {
            out.add(String.format(Locale.ROOT, "  downtime: %.3f s (stop requested to writer started)",
                    r.downtimeSeconds()));
        }
        if (r.sourceDigest() != null) {
            out.add("  verification: " + (r.verified() ? "target equals the quiet source, " + r.sourceDigest()
                    : "MISMATCH: source " + r.sourceDigest() + ", target " + r.targetDigest()));
        }
        if (r.switchedTo() != null) {
            out.add("  switch-over: " + TerminalText.escape(r.switchedTo()));
        }
        if (r.startedOn() != null) {
            out.add("  writer started on its " + ("new".equals(r.startedOn()) ? "new disk" : "old disk")
                    + (r.disks().size() > 1 ? "s" : ""));
        }
        if (r.failure() != null) {
            out.add("  failed: " + TerminalText.escape(r.failure()));
        }
        return out;
    }

    /** One disk of a VM's live run: its volume, its passes, its verification. */
    static List<String> diskLines(LiveDisk d) {
        List<String> out = new ArrayList<>();
        out.add("  disk " + TerminalText.escape(d.disk()) + (d.volume() == null ? "" : " into volume "
                + TerminalText.escape(d.volume())));
        if (!d.passes().isEmpty()) {
            out.add(header());
            for (LivePass p : d.passes()) {
                out.add(passLine(p));
            }
        }
        if (d.sourceDigest() != null) {
            out.add("    verification: " + (d.verified() ? "target equals the quiet source, " + d.sourceDigest()
                    : "MISMATCH: source " + d.sourceDigest() + ", target " + d.targetDigest()));
        }
        return out;
    }
}
