package org.smapimigrate.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a live run's pass journal tells the reports beyond its {@link LiveResult}: the parts of the
 * downtime and the temporary snapshots made and released. Read after the run from the journal
 * {@link LivePasses} wrote (the instants are the ones it measured the downtime between, so the
 * parts add up to it), never from the passes' state.
 *
 * @param downtimeParts     the last switch-over from stop requested to writer started, in order; empty
 *                          when no switch-over was journaled
 * @param snapshotsTaken    temporary snapshots made by the run (the quiet disk of the switch-over is no
 *                          snapshot), -1 when unknown
 * @param snapshotsReleased of those, released
 */
public record LiveTimeline(List<DowntimePart> downtimeParts, int snapshotsTaken, int snapshotsReleased) {
    /** Stop: stop requested to writer stopped. */
    public static final String STOP = "stop";
    /** Final delta: the quiet disk frozen and its delta copied. */
    public static final String FINAL_DELTA = "final delta";
    /** Check: the whole target compared with the quiet source. */
    public static final String CHECK = "check";
    /** Repoint: the target marked complete and the writer's disk switched to it. */
    public static final String REPOINT = "repoint";
    /** Start: the snapshots released and the writer started on its new disk. */
    public static final String START = "release + start";
    /** After a failure: what was left of the step that failed, then the writer started on its old disk. */
    public static final String START_OLD = "failed step + start on the old disk";

    /** Nothing known (no journal). */
    public static final LiveTimeline UNKNOWN = new LiveTimeline(List.of(), -1, -1);

    /** One part of the downtime. */
    public record DowntimePart(String name, double seconds) {
    }

    public LiveTimeline {
        downtimeParts = List.copyOf(downtimeParts);
    }

    /** Snapshots made and not released: what a run left behind (0 on success). */
    public int snapshotsLeft() {
        return snapshotsTaken < 0 ? -1 : snapshotsTaken - snapshotsReleased;
    }

    /** The journal's timeline, or {@link #UNKNOWN} when there is no journal. */
    public static LiveTimeline read(Path journal) throws IOException {
        if (journal == null || !Files.isRegularFile(journal)) {
            return UNKNOWN;
        }
        return of(PassJournal.read(journal));
    }

    /**
     * The last run's events: those after the reset before it. A failed or aborted run ends with its
     * own reset ({@link PassEvent#RESET}), so then its events are those between the two last resets.
     */
    static LiveTimeline of(List<PassEvent> all) {
        List<Integer> resets = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (PassEvent.RESET.equals(all.get(i).event())) {
                resets.add(i);
            }
        }
        int from = 0;
        if (!resets.isEmpty()) {
            int last = resets.get(resets.size() - 1);
            boolean endsWithReset = last == all.size() - 1;
            if (!endsWithReset) {
                from = last + 1;
            } else if (resets.size() > 1) {
                from = resets.get(resets.size() - 2) + 1;
            }
        }
        List<PassEvent> run = all.subList(from, all.size());
        int taken = 0;
        int released = 0;
        int stop = -1;
        for (int i = 0; i < run.size(); i++) {
            PassEvent e = run.get(i);
            switch (e.event()) {
                case PassEvent.FROZEN -> taken += e.state() != null && !e.state().quiet() ? 1 : 0;
                case PassEvent.RELEASED -> released++;
                case PassEvent.STOP_REQUESTED -> stop = i;
                default -> { }
            }
        }
        return new LiveTimeline(stop < 0 ? List.of() : parts(run.subList(stop, run.size())), taken, released);
    }

    /** From the stop request on: each part ends at the event that closes it. */
    private static List<DowntimePart> parts(List<PassEvent> switchOver) {
        List<DowntimePart> out = new ArrayList<>();
        Instant from = Instant.parse(switchOver.get(0).at());
        for (PassEvent e : switchOver.subList(1, switchOver.size())) {
            String name = switch (e.event()) {
                case PassEvent.STOPPED -> STOP;
                case PassEvent.COPIED -> e.isFinal() ? FINAL_DELTA : null;
                case PassEvent.VERIFIED -> CHECK;
                case PassEvent.SWITCHED -> REPOINT;
                case PassEvent.STARTED -> "new".equals(e.how()) ? START : START_OLD;
                default -> null;
            };
            if (name == null || e.at() == null) {
                continue;
            }
            Instant at = Instant.parse(e.at());
            double seconds = Duration.between(from, at).toNanos() / 1e9;
            DowntimePart last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.name().equals(name)) {
                // A VM of several disks: their final deltas (or their checks) one after the other are one part.
                out.set(out.size() - 1, new DowntimePart(name, last.seconds() + seconds));
            } else {
                out.add(new DowntimePart(name, seconds));
            }
            from = at;
            if (PassEvent.STARTED.equals(e.event())) {
                break;
            }
        }
        return out;
    }
}
