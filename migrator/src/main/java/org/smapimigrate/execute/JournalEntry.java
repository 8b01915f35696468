package org.smapimigrate.execute;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.smapimigrate.plan.Step;

/**
 * One line of a {@link Journal}: a run starting ({@value #RUN}) or a step finished
 * ({@value #STEP}) with what it produced. Absent fields are left out of the line.
 *
 * @param record       {@value #RUN} or {@value #STEP}
 * @param time         ISO-8601 instant the line was written
 * @param format       run lines: {@value Journal#FORMAT}
 * @param planId       run lines: the plan's id
 * @param planSha256   run lines: SHA-256 of the plan file's bytes (a journal belongs to one plan file)
 * @param tool         run lines: the smapi-migrate version
 * @param step         step lines: the step id
 * @param kind         step lines: the step kind ({@code create-volume}, {@code copy-extents}, ...)
 * @param volumeKey    the key of the volume the step made or worked on
 * @param volumeUuid   the uuid of a volume the step made
 * @param bytesRead    copy and verify steps: source bytes read
 * @param bytesWritten copy steps: bytes written into the volume as data
 * @param zeroBytes    copy steps: bytes that were zeros or holes (written as zeros, or left alone)
 * @param seconds      wall time of the step
 * @param digest       verify steps: the whole-disk digest both sides share
 *                     ({@link org.smapimigrate.verify.DiskDigest#ALGORITHM})
 * @param manifest     verify steps of a VDI's volume: the manifest written
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JournalEntry(String record, String time, String format, String planId, String planSha256, String tool,
                           String step, String kind, String volumeKey, String volumeUuid, Long bytesRead,
                           Long bytesWritten, Long zeroBytes, Double seconds, String digest, String manifest) {
    public static final String RUN = "run";
    public static final String STEP = "step";

    static JournalEntry run(String time, String planId, String planSha256, String tool) {
        return new JournalEntry(RUN, time, Journal.FORMAT, planId, planSha256, tool, null, null, null, null, null,
                null, null, null, null, null);
    }

    /** A finished step and what it produced. */
    static JournalEntry step(Step step, String kind, double seconds, StepOutcome o) {
        return new JournalEntry(STEP, Instant.now().toString(), null, null, null, null, step.id(), kind,
                o.volumeKey(), o.volumeUuid(), o.bytesRead(), o.bytesWritten(), o.zeroBytes(), seconds, o.digest(),
                o.manifest());
    }

    boolean isStep() {
        return STEP.equals(record);
    }
}
