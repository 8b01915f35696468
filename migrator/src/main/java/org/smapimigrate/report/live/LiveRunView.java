package org.smapimigrate.report.live;

import java.util.List;
import org.smapimigrate.live.LivePass;
import org.smapimigrate.live.LiveResult;
import org.smapimigrate.live.LiveTimeline;

/**
 * A live run as its Markdown and HTML reports show it: what concerns the VM once (the stop, the
 * downtime and its parts, the switch-over, where the writer runs now, the snapshots, a failure),
 * and a list of disks, each with its passes and its verification. A run of one disk is a list of
 * one; a VM of several disks stopped once fits the same shape.
 *
 * @param disks             each disk moved, in order
 * @param stop              how the stop went ({@code clean}, {@code forced}, {@code hook}), or null
 * @param downtimeSeconds   stop requested to writer started, or null
 * @param downtimeParts     its parts, when the journal told them (may be empty)
 * @param switchedTo        what the writer runs on after the switch-over, or null
 * @param startedOn         {@code new}, {@code old} or null
 * @param failure           why the run failed (one line), or null
 * @param alreadyDone       a finished run asked again: nothing done now
 * @param aborted           {@code --abort}
 * @param snapshotsTaken    temporary snapshots the run made, -1 unknown
 * @param snapshotsReleased of those, released
 */
public record LiveRunView(List<Disk> disks, String stop, Double downtimeSeconds,
                          List<LiveTimeline.DowntimePart> downtimeParts, String switchedTo, String startedOn,
                          String failure, boolean alreadyDone, boolean aborted, int snapshotsTaken,
                          int snapshotsReleased) {
    /**
     * One disk of the run.
     *
     * @param disk         the source disk (VDI uuid)
     * @param source       the controller's description of it
     * @param volume       the target volume's key, or null
     * @param passes       its passes, the switch-over's delta last
     * @param sourceDigest {@code sha256:HEX} of the quiet source, or null when not reached
     * @param targetDigest of the whole target, or null
     * @param verified     both computed and equal
     */
    public record Disk(String disk, String source, String volume, List<LivePass> passes, String sourceDigest,
                       String targetDigest, boolean verified) {
        public Disk {
            passes = List.copyOf(passes);
        }
    }

    public LiveRunView {
        disks = List.copyOf(disks);
        downtimeParts = List.copyOf(downtimeParts);
    }

    /** A run (of one disk or a VM's several), with what its journal told ({@link LiveTimeline#UNKNOWN} when nothing). */
    public static LiveRunView of(LiveResult r, LiveTimeline t) {
        List<Disk> disks = r.disks().size() > 1
                ? r.disks().stream().map(d -> new Disk(d.disk(), r.source(), d.volume(), d.passes(), d.sourceDigest(),
                        d.targetDigest(), d.verified())).toList()
                : List.of(new Disk(r.disk(), r.source(), r.volume(), r.passes(), r.sourceDigest(), r.targetDigest(),
                        r.verified()));
        return new LiveRunView(disks, r.stop(), r.downtimeSeconds(), t.downtimeParts(), r.switchedTo(),
                r.startedOn(), r.failure(), r.alreadyDone(), r.aborted(), t.snapshotsTaken(), t.snapshotsReleased());
    }

    /** Whether the run ended as asked: moved, or nothing to do, or aborted cleanly. */
    public boolean succeeded() {
        return failure == null && (aborted || alreadyDone || "new".equals(startedOn));
    }

    /** Where the writer (the VM) was left, in words. */
    public String leftIn() {
        if (aborted) {
            return "running on its old disks; the target volume destroyed";
        }
        if ("new".equals(startedOn)) {
            return "running on its new disks";
        }
        if ("old".equals(startedOn)) {
            return "running on its old disks (started again after the failure)";
        }
        if (switchedTo != null) {
            return "repointed to its new disks but not started: start it by hand";
        }
        if (stop != null) {
            return "stopped, on its old disks: start it by hand";
        }
        return failure != null ? "running on its old disks (never stopped)" : "running on its old disks";
    }

    /** The snapshots in words, or null when unknown. */
    public String snapshots() {
        if (snapshotsTaken < 0) {
            return null;
        }
        int left = Math.max(0, snapshotsTaken - snapshotsReleased); // a resumed run may release more than it journaled
        return snapshotsTaken + " temporary snapshot" + (snapshotsTaken == 1 ? "" : "s") + " made, "
                + snapshotsReleased + " released" + (left > 0 ? ", " + left + " LEFT (run the same command again, or"
                + " --abort, to release " + (left == 1 ? "it" : "them") + ")" : "");
    }
}
