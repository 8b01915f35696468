package org.smapimigrate.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The downtime's parts and the snapshot counts read back from a pass journal: the last run only
 * (a failed run's events end at its reset), each part from the event before to the event closing
 * it, the quiet disk of the switch-over not counted as a snapshot.
 */
class LiveTimelineTest {
    static final Instant T = Instant.parse("2026-12-06T03:00:00Z");

    static FrozenState state(String id, boolean quiet) {
        return state("d", id, quiet);
    }

    static FrozenState state(String disk, String id, boolean quiet) {
        return new FrozenState(disk, id, quiet, 1 << 20, T, Map.of());
    }

    static PassEvent at(String event, double s, String how) {
        return PassEvent.power(event, T.plusNanos((long) (s * 1e9)), how, null);
    }

    static PassEvent copied(int pass, boolean last, double s) {
        return copied("d", pass, last, s);
    }

    static PassEvent copied(String disk, int pass, boolean last, double s) {
        return stamped(PassEvent.copied(disk, new LivePass(pass, last, 1, 1, 512, 1, 1, 0.1, 0.1, null)), s);
    }

    static PassEvent stamped(PassEvent e, double s) {
        return new PassEvent(e.event(), e.pass(), e.last(), e.state(), T.plusNanos((long) (s * 1e9)).toString(),
                e.changed(), e.ranges(), e.granularity(), e.written(), e.read(), e.seconds(), e.copySeconds(), e.how(),
                e.why(), e.volume(), e.digest(), e.disk());
    }

    /** Passes 0 and 1 with their snapshots, the first released after pass 1. */
    static List<PassEvent> passes() {
        return new ArrayList<>(List.of(PassEvent.volume("d", "v"), PassEvent.frozen(0, false, state("s0", false)),
                copied(0, false, 1), PassEvent.frozen(1, false, state("s1", false)), copied(1, false, 2),
                PassEvent.released(state("s0", false))));
    }

    @Test
    void aSwitchOverInFiveParts() {
        List<PassEvent> j = passes();
        j.addAll(List.of(at(PassEvent.STOP_REQUESTED, 10, null), at(PassEvent.STOPPED, 10.5, "hook"),
                PassEvent.frozen(2, true, state("q", true)), copied(2, true, 10.75), stamped(PassEvent.verified("d", "x"), 11.5),
                stamped(PassEvent.repoint(PassEvent.REPOINTING, null), 11.6),
                stamped(PassEvent.repoint(PassEvent.SWITCHED, "to v"), 11.75),
                stamped(PassEvent.released(state("s1", false)), 11.8), at(PassEvent.STARTED, 12, "new")));
        LiveTimeline t = LiveTimeline.of(j);
        assertEquals(List.of(new LiveTimeline.DowntimePart(LiveTimeline.STOP, 0.5),
                new LiveTimeline.DowntimePart(LiveTimeline.FINAL_DELTA, 0.25),
                new LiveTimeline.DowntimePart(LiveTimeline.CHECK, 0.75),
                new LiveTimeline.DowntimePart(LiveTimeline.REPOINT, 0.25),
                new LiveTimeline.DowntimePart(LiveTimeline.START, 0.25)), t.downtimeParts());
        assertEquals(2, t.snapshotsTaken(), "the quiet disk is no snapshot");
        assertEquals(2, t.snapshotsReleased());
        assertEquals(0, t.snapshotsLeft());
    }

    /**
     * A VM of two disks stopped once: its final deltas one after the other are one part, so are its
     * checks; the parts add up to the downtime.
     */
    @Test
    void aSwitchOverOfTwoDisksIsStillFiveParts() {
        List<PassEvent> j = new ArrayList<>(List.of(PassEvent.volume("a", "va"), PassEvent.volume("b", "vb"),
                PassEvent.frozen(0, false, state("a", "a0", false)), copied("a", 0, false, 1),
                PassEvent.frozen(0, false, state("b", "b0", false)), copied("b", 0, false, 2)));
        j.addAll(List.of(at(PassEvent.STOP_REQUESTED, 10, null), at(PassEvent.STOPPED, 10.5, "clean"),
                PassEvent.frozen(1, true, state("a", "a", true)), PassEvent.frozen(1, true, state("b", "b", true)),
                copied("a", 1, true, 10.75), copied("b", 1, true, 11), stamped(PassEvent.verified("a", "x"), 11.5),
                stamped(PassEvent.verified("b", "y"), 12), stamped(PassEvent.repoint(PassEvent.REPOINTING, null), 12.1),
                stamped(PassEvent.repoint(PassEvent.SWITCHED, "to va, vb"), 12.25),
                stamped(PassEvent.released(state("a", "a0", false)), 12.3),
                stamped(PassEvent.released(state("b", "b0", false)), 12.4), at(PassEvent.STARTED, 12.5, "new")));
        LiveTimeline t = LiveTimeline.of(j);
        assertEquals(List.of(new LiveTimeline.DowntimePart(LiveTimeline.STOP, 0.5),
                new LiveTimeline.DowntimePart(LiveTimeline.FINAL_DELTA, 0.5),
                new LiveTimeline.DowntimePart(LiveTimeline.CHECK, 1),
                new LiveTimeline.DowntimePart(LiveTimeline.REPOINT, 0.25),
                new LiveTimeline.DowntimePart(LiveTimeline.START, 0.25)), t.downtimeParts());
        assertEquals(2.5, t.downtimeParts().stream().mapToDouble(LiveTimeline.DowntimePart::seconds).sum(), 1e-9);
        assertEquals(2, t.snapshotsTaken());
        assertEquals(2, t.snapshotsReleased());
    }

    @Test
    void aFailedRunIsTheEventsUpToItsResetAndAnEarlierRunIsLeftOut() {
        List<PassEvent> j = passes();
        j.add(PassEvent.reset("an earlier failure"));
        j.addAll(passes());
        j.addAll(List.of(at(PassEvent.STOP_REQUESTED, 20, null), at(PassEvent.STOPPED, 21, "clean"),
                at(PassEvent.STARTED, 23, "old"), PassEvent.released(state("s1", false)),
                PassEvent.reset("verification failed")));
        LiveTimeline t = LiveTimeline.of(j);
        assertEquals(List.of(new LiveTimeline.DowntimePart(LiveTimeline.STOP, 1),
                new LiveTimeline.DowntimePart(LiveTimeline.START_OLD, 2)), t.downtimeParts());
        assertEquals(2, t.snapshotsTaken());
        assertEquals(2, t.snapshotsReleased());
        // A run still going on (no reset at the end): its events since the last reset; no switch-over yet.
        List<PassEvent> going = new ArrayList<>(j);
        going.addAll(passes().subList(0, 2));
        LiveTimeline g = LiveTimeline.of(going);
        assertEquals(List.of(), g.downtimeParts());
        assertEquals(1, g.snapshotsTaken());
        assertEquals(0, g.snapshotsReleased());
        assertEquals(1, g.snapshotsLeft());
    }

    @Test
    void noJournalIsUnknown() throws Exception {
        assertEquals(LiveTimeline.UNKNOWN, LiveTimeline.read(Path.of("/nonexistent/live.passes")));
        assertEquals(-1, LiveTimeline.UNKNOWN.snapshotsLeft());
    }
}
