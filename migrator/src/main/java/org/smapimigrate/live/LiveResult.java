package org.smapimigrate.live;

import java.util.List;

/**
 * What a live run did, for the report and {@code --json}: each pass, the power events, the
 * downtime (stop requested to started, {@code null} when the writer was never stopped), the
 * verification and where the writer runs now. A VM of several disks is stopped and started once:
 * the power events and the downtime are the VM's, the passes and verifications each disk's
 * ({@link #disks}); the top-level disk fields then name all the disks ({@code disk}, {@code volume}:
 * comma-separated), {@code passes} is empty, the two digests are null and {@code verified} is true
 * when every disk verified.
 *
 * @param disk            the source disk (VDI uuid); several disks: their uuids, comma-separated
 * @param source          the controller's description
 * @param volume          the target volume's key
 * @param passes          every pass, the switch-over's delta last (one disk; empty for several: see {@code disks})
 * @param stop            how the stop went ({@code clean}, {@code forced}, {@code hook}), or null
 * @param downtimeSeconds stop requested to writer started, or null
 * @param sourceDigest    {@code sha256:HEX} of the quiet source, or null when not reached
 * @param targetDigest    {@code sha256:HEX} of the whole target volume read back, or null
 * @param verified        true when both digests were computed and are equal
 * @param switchedTo      what the writer runs on after the switch-over (a description), or null
 * @param startedOn       {@code new} (after the switch-over), {@code old} (after a failure), or null
 * @param failure         why the run failed (one line), or null
 * @param alreadyDone     true when a finished run was asked again and nothing was done
 * @param aborted         true for {@code --abort}: snapshots released, writer running on its old disk,
 *                        the target volume destroyed
 * @param disks           each disk of the run, in the order the passes take them (one for a one-disk run)
 */
public record LiveResult(String disk, String source, String volume, List<LivePass> passes, String stop,
                         Double downtimeSeconds, String sourceDigest, String targetDigest, boolean verified,
                         String switchedTo, String startedOn, String failure, boolean alreadyDone, boolean aborted,
                         List<LiveDisk> disks) {
    public LiveResult {
        passes = List.copyOf(passes);
        disks = disks == null ? List.of() : List.copyOf(disks);
    }

    /** Passes before the switch-over (pass 0 included); several disks: the most any disk made. */
    public long livePasses() {
        return disks.size() > 1 ? disks.stream().mapToLong(LiveDisk::livePasses).max().orElse(0)
                : passes.stream().filter(p -> !p.last()).count();
    }
}
