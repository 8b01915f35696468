package org.smapimigrate.execute;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import org.smapimigrate.plan.Step;

/**
 * One line of a {@link Journal}: a run starting ({@value #RUN}), a step finished ({@value #STEP})
 * with what it produced, the target SR created by a run ({@value #SR_CREATED}), steps taken back
 * because their volume was destroyed ({@value #UNDONE}), a run that failed in a way the next run
 * must know of ({@value #FAILED}), or the plan's work destroyed on request ({@value #ABORTED}:
 * everything before it no longer counts). Absent fields are left out of the line.
 *
 * @param record       {@value #RUN}, {@value #STEP}, {@value #SR_CREATED}, {@value #UNDONE},
 *                     {@value #FAILED} or {@value #ABORTED}
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
 * @param steps        undone lines: the steps taken back
 * @param reason       failed lines: {@value #OUT_OF_SPACE}; undone and aborted lines: why
 * @param bytesNeeded  out-of-space lines: the bytes the rest of the plan still needed
 * @param freeBytes    out-of-space lines: the SR's free space when it ran out
 * @param vm           VM-level lines (the journal of a VM plan, {@code org.smapimigrate.vm}): the XAPI
 *                     change, by uuids only (refs are per-session), see {@link VmChange}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JournalEntry(String record, String time, String format, String planId, String planSha256, String tool,
                           String step, String kind, String volumeKey, String volumeUuid, Long bytesRead,
                           Long bytesWritten, Long zeroBytes, Double seconds, String digest, String manifest,
                           List<String> steps, String reason, Long bytesNeeded, Long freeBytes, VmChange vm) {
    public static final String RUN = "run";
    public static final String STEP = "step";
    public static final String SR_CREATED = "sr-created";
    public static final String UNDONE = "undone";
    public static final String FAILED = "failed";
    public static final String ABORTED = "aborted";
    public static final String OUT_OF_SPACE = "out-of-space";

    static JournalEntry run(String time, String planId, String planSha256, String tool) {
        return new JournalEntry(RUN, time, Journal.FORMAT, planId, planSha256, tool, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null);
    }

    /** A finished step and what it produced. */
    static JournalEntry step(Step step, String kind, double seconds, StepOutcome o) {
        return new JournalEntry(STEP, Instant.now().toString(), null, null, null, null, step.id(), kind,
                o.volumeKey(), o.volumeUuid(), o.bytesRead(), o.bytesWritten(), o.zeroBytes(), seconds, o.digest(),
                o.manifest(), null, null, null, null, null);
    }

    /** A line of {@code record} kind without step results. */
    static JournalEntry event(String record, String volumeKey, List<String> steps, String reason, Long bytesNeeded,
                              Long freeBytes) {
        return new JournalEntry(record, Instant.now().toString(), null, null, null, null, null, null, volumeKey, null,
                null, null, null, null, null, null, steps, reason, bytesNeeded, freeBytes, null);
    }

    /** A VM-level line: {@code record} names the change ({@link VmChange} lists them). */
    public static JournalEntry vm(String record, VmChange change) {
        return new JournalEntry(record, Instant.now().toString(), null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, change);
    }

    boolean isStep() {
        return STEP.equals(record);
    }
}
