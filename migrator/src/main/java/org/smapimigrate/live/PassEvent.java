package org.smapimigrate.live;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * One line of a live run's pass journal ({@link PassJournal}); fields that do not apply are null.
 *
 * @param event       {@value #VOLUME}, {@value #FROZEN}, {@value #COPIED}, {@value #RELEASED},
 *                    {@value #STOP_REQUESTED}, {@value #STOPPED}, {@value #VERIFIED}, {@value #REPOINTING},
 *                    {@value #SWITCHED}, {@value #STARTED}, {@value #RESET}
 * @param pass        the pass number (0 copies the whole frozen disk; the switch-over's is the last)
 * @param last        true for the switch-over's pass, from the quiet disk
 * @param state       the frozen state made ({@value #FROZEN}) or released ({@value #RELEASED})
 * @param at          when (ISO-8601)
 * @param changed     bytes the changed ranges held ({@value #COPIED})
 * @param ranges      number of changed ranges
 * @param granularity the source's granularity in bytes
 * @param written     bytes written to the target, zeros included
 * @param read        bytes read from the source
 * @param seconds     how long the pass took, freeze included
 * @param copySeconds how long its copy took
 * @param how         power events: clean, forced, hook; {@value #STARTED}: {@code new} or {@code old}
 * @param why         {@value #STARTED} on the old disks, {@value #RESET}: the reason
 * @param volume      {@value #VOLUME}: the target volume's key (every pass writes into it)
 * @param digest      {@value #VERIFIED}: {@code sha256:HEX} of the quiet source and of the whole target;
 *                    {@value #COPIED}: of what the pass copied, on both sides
 * @param disk        the disk (VDI uuid) a per-disk line is about ({@value #VOLUME}, {@value #FROZEN},
 *                    {@value #COPIED}, {@value #RELEASED}, {@value #VERIFIED}); null on the VM's lines (power,
 *                    repoint, reset) and in journals written before a run could move several disks, whose
 *                    lines are all about their one disk
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PassEvent(String event, Integer pass, Boolean last, JournaledState state, String at, Long changed,
                        Integer ranges, Integer granularity, Long written, Long read, Double seconds,
                        Double copySeconds, String how, String why, String volume, String digest, String disk) {
    public static final String VOLUME = "volume";
    public static final String FROZEN = "frozen";
    public static final String COPIED = "copied";
    public static final String RELEASED = "released";
    public static final String STOP_REQUESTED = "stop-requested";
    public static final String STOPPED = "stopped";
    public static final String VERIFIED = "verified";
    /** The repoint began (it is idempotent: a resumed run calls it again to finish it). */
    public static final String REPOINTING = "repointing";
    public static final String SWITCHED = "switched";
    public static final String STARTED = "started";
    /** The run failed or was aborted and cleaned up (snapshots released, source running): the next starts at pass 0. */
    public static final String RESET = "reset";

    static PassEvent volume(String disk, String key) {
        return new PassEvent(VOLUME, null, null, null, Instant.now().toString(), null, null, null, null, null, null,
                null, null, null, key, null, disk);
    }

    static PassEvent frozen(int pass, boolean isFinal, FrozenState s) {
        return new PassEvent(FROZEN, pass, isFinal ? true : null, JournaledState.of(s), s.frozenAt().toString(),
                null, null, null, null, null, null, null, null, null, null, null, s.disk());
    }

    static PassEvent copied(String disk, LivePass p) {
        return new PassEvent(COPIED, p.number(), p.last() ? true : null, null, Instant.now().toString(), p.changed(),
                p.ranges(), p.granularity(), p.written(), p.read(), p.seconds(), p.copySeconds(), null, null, null,
                p.digest(), disk);
    }

    static PassEvent released(FrozenState s) {
        return new PassEvent(RELEASED, null, null, JournaledState.of(s), Instant.now().toString(), null, null, null,
                null, null, null, null, null, null, null, null, s.disk());
    }

    static PassEvent power(String event, Instant at, String how, String why) {
        return new PassEvent(event, null, null, null, at.toString(), null, null, null, null, null, null, null, how,
                why, null, null, null);
    }

    static PassEvent verified(String disk, String digest) {
        return new PassEvent(VERIFIED, null, null, null, Instant.now().toString(), null, null, null, null, null, null,
                null, null, null, null, digest, disk);
    }

    static PassEvent reset(String why) {
        return new PassEvent(RESET, null, null, null, Instant.now().toString(), null, null, null, null, null, null,
                null, null, why, null, null, null);
    }

    /** The repoint began ({@code how}: null) or is done ({@code how}: what the switch-over said). */
    static PassEvent repoint(String event, String how) {
        return new PassEvent(event, null, null, null, Instant.now().toString(), null, null, null, null, null, null,
                null, how, null, null, null, null);
    }

    /** The disk this line is about: its own field, else its state's, else {@code only} (an older journal). */
    String diskOr(String only) {
        return disk != null ? disk : state != null ? state.disk() : only;
    }

    boolean isFinal() {
        return Boolean.TRUE.equals(last);
    }

    /** A {@link FrozenState} as a journal line holds it (the instant as text). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JournaledState(String disk, String id, boolean quiet, long size, String frozenAt,
                                 Map<String, String> handle) {
        static JournaledState of(FrozenState s) {
            return new JournaledState(s.disk(), s.id(), s.quiet(), s.size(), s.frozenAt().toString(), s.handle());
        }

        FrozenState toState() {
            return new FrozenState(disk, id, quiet, size, Instant.parse(frozenAt), handle);
        }
    }
}
