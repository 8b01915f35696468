package org.smapimigrate.live;

import java.util.List;

/**
 * What a live run did, for the report and {@code --json}: each pass, the power events, the
 * downtime (stop requested to started, {@code null} when the writer was never stopped), the
 * verification and where the writer runs now.
 *
 * @param disk            the source disk (VDI uuid)
 * @param source          the controller's description
 * @param volume          the target volume's key
 * @param passes          every pass, the switch-over's delta last
 * @param stop            how the stop went ({@code clean}, {@code forced}, {@code hook}), or null
 * @param downtimeSeconds stop requested to writer started, or null
 * @param sourceDigest    {@code sha256:HEX} of the quiet source, or null when not reached
 * @param targetDigest    {@code sha256:HEX} of the whole target volume read back, or null
 * @param verified        true when both digests were computed and are equal
 * @param switchedTo      what the writer runs on after the switch-over (a description), or null
 * @param startedOn       {@code new} (after the switch-over), {@code old} (after a failure), or null
 * @param failure         why the run failed (one line), or null
 * @param alreadyDone     true when a finished run was asked again and nothing was done
 */
public record LiveResult(String disk, String source, String volume, List<LivePass> passes, String stop,
                         Double downtimeSeconds, String sourceDigest, String targetDigest, boolean verified,
                         String switchedTo, String startedOn, String failure, boolean alreadyDone) {
    public LiveResult {
        passes = List.copyOf(passes);
    }

    /** Passes before the switch-over (pass 0 included). */
    public long livePasses() {
        return passes.stream().filter(p -> !p.last()).count();
    }
}
