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
        return new FrozenState("d", id, quiet, 1 << 20, T, Map.of());
    }

    static PassEvent at(String event, double s, String how) {
        return PassEvent.power(event, T.plusNanos((long) (s * 1e9)), how, null);
    }

    static PassEvent copied(int pass, boolean last, double s) {
        PassEvent c = PassEvent.copied(new LivePass(pass, last, 1, 1, 512, 1, 1, 0.1, 0.1, null));
        return new PassEvent(c.event(), c.pass(), c.last(), null, T.plusNanos((long) (s * 1e9)).toString(), c.changed(),
                c.ranges(), c.granularity(), c.written(), c.read(), c.seconds(), c.copySeconds(), null, null, null, null);
    }

    static PassEvent stamped(PassEvent e, double s) {
        return new PassEvent(e.event(), e.pass(), e.last(), e.state(), T.plusNanos((long) (s * 1e9)).toString(),
                e.changed(), e.ranges(), e.granularity(), e.written(), e.read(), e.seconds(), e.copySeconds(), e.how(),
                e.why(), e.volume(), e.digest());
    }

    /** Passes 0 and 1 with their snapshots, the first released after pass 1. */
    static List<PassEvent> passes() {
        return new ArrayList<>(List.of(PassEvent.volume("v"), PassEvent.frozen(0, false, state("s0", false)),
                copied(0, false, 1), PassEvent.frozen(1, false, state("s1", false)), copied(1, false, 2),
                PassEvent.released(state("s0", false))));
    }

    @Test
    void aSwitchOverInFiveParts() {
        List<PassEvent> j = passes();
        j.addAll(List.of(at(PassEvent.STOP_REQUESTED, 10, null), at(PassEvent.STOPPED, 10.5, "hook"),
                PassEvent.frozen(2, true, state("q", true)), copied(2, true, 10.75), stamped(PassEvent.verified("x"), 11.5),
                stamped(new PassEvent(PassEvent.REPOINTING, null, null, null, T.toString(), null, null, null, null,
                        null, null, null, null, null, "v", "x"), 11.6),
                stamped(new PassEvent(PassEvent.SWITCHED, null, null, null, T.toString(), null, null, null, null, null,
                        null, null, "to v", null, "v", "x"), 11.75),
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
