package org.smapimigrate.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run loop with a stand-in migration (the engine is exercised by migrate's own tests). */
class BatchRunTest {
    @TempDir
    Path state;

    private static Job job(Optional<Window> window, int retries) {
        return new Job("j", List.of(Path.of("/sr")), List.of(), Path.of("/t"), null, Map.of(), null, window,
                OptionalLong.empty(), 1, retries);
    }

    private static Clock at(int hour, int minute) {
        Instant i = LocalDateTime.of(2026, 12, 5, hour, minute).toInstant(ZoneOffset.UTC);
        return Clock.fixed(i, ZoneOffset.UTC);
    }

    private static final Map<String, List<BatchRun.Volume>> VOLUMES = Map.of("j",
            List.of(new BatchRun.Volume("/sr", "a"), new BatchRun.Volume("/sr", "b"), new BatchRun.Volume("/sr", "c")));

    @Test
    void doneVolumesAreNotRunAgainAndFailuresAreRetriedWithBackoff() throws Exception {
        List<String> calls = new ArrayList<>();
        List<Duration> waits = new ArrayList<>();
        int[] bFailures = {2};
        VolumeMigration m = (job, sr, vdi, dir) -> {
            calls.add(vdi);
            if (vdi.equals("b") && bFailures[0]-- > 0) {
                throw new IOException("target busy\nsecond line");
            }
            return new VolumeMigration.Done("sha256:" + vdi, 10);
        };
        BatchRun run = new BatchRun(state, at(12, 0), waits::add, Duration.ofMillis(100), m, s -> { });
        BatchRun.Result r = run.run(List.of(job(Optional.empty(), 3)), VOLUMES);
        assertEquals(List.of("a", "b", "b", "b", "c"), calls);
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), waits);
        assertEquals(3, r.done());
        assertEquals(30, r.copiedBytes());
        VolumeState b = JobStates.load(state, "j").get("/sr", "b");
        assertEquals(VolumeState.Status.DONE, b.status());
        assertEquals("sha256:b", b.digest());
        assertEquals(3, b.attempts());

        calls.clear();
        BatchRun.Result again = new BatchRun(state, at(12, 0), waits::add, Duration.ofMillis(100), m, s -> { })
                .run(List.of(job(Optional.empty(), 3)), VOLUMES);
        assertEquals(List.of(), calls);
        assertEquals(3, again.alreadyDone());
        assertEquals(0, again.copiedBytes());
    }

    @Test
    void aVolumeThatKeepsFailingIsRecordedWithReasonAndAttempts() throws Exception {
        VolumeMigration m = (job, sr, vdi, dir) -> {
            if (vdi.equals("a")) {
                throw new IOException("no space");
            }
            return new VolumeMigration.Done("d", 1);
        };
        BatchRun.Result r = new BatchRun(state, at(12, 0), d -> { }, Duration.ofMillis(1), m, s -> { })
                .run(List.of(job(Optional.empty(), 1)), VOLUMES);
        assertTrue(r.anyFailed());
        assertEquals(1, r.failed());
        VolumeState a = JobStates.load(state, "j").get("/sr", "a");
        assertEquals(VolumeState.Status.FAILED, a.status());
        assertEquals("no space", a.reason());
        assertEquals(2, a.attempts());
    }

    @Test
    void outsideTheWindowNoVolumeStartsAndTheNextWindowResumes() throws Exception {
        List<String> calls = new ArrayList<>();
        VolumeMigration m = (job, sr, vdi, dir) -> {
            calls.add(vdi);
            return new VolumeMigration.Done("d", 1);
        };
        Job night = job(Optional.of(Window.parse("22:00-06:00")), 0);
        BatchRun.Result day = new BatchRun(state, at(12, 0), d -> { }, Duration.ZERO, m, s -> { })
                .run(List.of(night), VOLUMES);
        assertTrue(day.paused());
        assertEquals(3, day.left());
        assertEquals(List.of(), calls);
        BatchRun.Result later = new BatchRun(state, at(23, 15), d -> { }, Duration.ZERO, m, s -> { })
                .run(List.of(night), VOLUMES);
        assertEquals(3, later.done());
        assertEquals(List.of("a", "b", "c"), calls);
    }

    @Test
    void aSecondRunOfTheSameStateDirectoryIsRefusedAtOnceNamingTheHolder() throws Exception {
        try (RunLock held = RunLock.take(state)) {
            RunLock.Held e = assertThrows(RunLock.Held.class, () -> RunLock.take(state));
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
        }
        RunLock.take(state).close();
    }
}
