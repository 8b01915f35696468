package org.smapimigrate.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same job run by several "hosts" at once over overlapping views of the volumes, with a
 * stand-in migration that records every call: each volume is migrated exactly once, by one host.
 * Hosts are BatchRun instances with their own host names in threads of this JVM, and in a second
 * test two child JVMs, on one state directory (here a local one; in a pool an NFS share).
 */
class BatchRunPoolTest {
    @TempDir
    Path tmp;

    private static Job job(int concurrency, Optional<Window> window) {
        return new Job("pool", List.of(Path.of("/sr")), List.of(), Path.of("/t"), null, Map.of(), null, window,
                OptionalLong.empty(), concurrency, 2);
    }

    private static List<BatchRun.Volume> volumes(int from, int to) {
        List<BatchRun.Volume> l = new ArrayList<>();
        for (int i = from; i < to; i++) {
            l.add(new BatchRun.Volume("/sr", "vdi-" + i));
        }
        return l;
    }

    @Test
    void twoHostsInThreadsOverOverlappingVolumesMigrateEachVolumeOnce() throws Exception {
        for (int round = 0; round < 4; round++) {
            Random rnd = new Random(round);
            Path state = Files.createDirectories(tmp.resolve("round-" + round));
            // host a sees 0..39, host b 10..49 (both see 10..39), each in its own shuffled order
            List<BatchRun.Volume> seenByA = volumes(0, 40);
            List<BatchRun.Volume> seenByB = volumes(10, 50);
            Collections.shuffle(seenByA, rnd);
            Collections.shuffle(seenByB, rnd);
            Map<String, List<String>> calls = new ConcurrentHashMap<>();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            int concurrency = 1 + round % 3;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService hosts = Executors.newFixedThreadPool(2);
            List<Future<BatchRun.Result>> results = new ArrayList<>();
            for (String host : List.of("host-a", "host-b")) {
                List<BatchRun.Volume> seen = host.equals("host-a") ? seenByA : seenByB;
                long seed = rnd.nextLong();
                results.add(hosts.submit(() -> {
                    Random r = new Random(seed);
                    VolumeMigration m = (j, sr, vdi, dir) -> {
                        int now = running.incrementAndGet();
                        most.accumulateAndGet(now, Math::max);
                        calls.computeIfAbsent(vdi, k -> new CopyOnWriteArrayList<>()).add(host);
                        Thread.sleep(r.nextInt(4));
                        running.decrementAndGet();
                        return new VolumeMigration.Done("sha256:" + vdi, 100);
                    };
                    go.await();
                    try (Claims claims = new Claims(state, host, Duration.ofMinutes(10), Clock.systemUTC())) {
                        return new BatchRun(state, Clock.systemUTC(), d -> { }, Duration.ZERO, m, s -> { }, claims)
                                .run(List.of(job(concurrency, Optional.empty())), Map.of("pool", seen));
                    }
                }));
            }
            go.countDown();
            BatchRun.Result a = results.get(0).get(60, TimeUnit.SECONDS);
            BatchRun.Result b = results.get(1).get(60, TimeUnit.SECONDS);
            hosts.shutdown();

            assertEquals(50, calls.size(), "every volume seen by some host was migrated");
            calls.forEach((vdi, by) -> assertEquals(1, by.size(), vdi + " migrated by " + by));
            for (int i = 0; i < 10; i++) {
                assertEquals(List.of("host-a"), calls.get("vdi-" + i), "only host-a sees vdi-" + i);
            }
            for (int i = 40; i < 50; i++) {
                assertEquals(List.of("host-b"), calls.get("vdi-" + i), "only host-b sees vdi-" + i);
            }
            assertEquals(50, a.done() + b.done());
            assertEquals(50 * 100, a.copiedBytes() + b.copiedBytes());
            // each shared volume the other host did is skipped (claimed) or found done
            assertEquals(40, a.done() + a.skipped() + a.alreadyDone());
            assertEquals(40, b.done() + b.skipped() + b.alreadyDone());
            assertEquals(0, a.failed() + b.failed());
            assertTrue(most.get() <= 2 * concurrency, "at most " + concurrency + " per host, saw " + most.get());
            for (BatchRun.Outcome o : a.outcomes()) {
                if (o.kind() == BatchRun.Kind.SKIPPED) {
                    assertTrue(o.reason().startsWith("claimed by pid "), o.reason());
                    assertTrue(o.reason().contains(" on host-b "), o.reason());
                }
            }
            JobStates states = JobStates.load(state, "pool");
            assertEquals(50, states.all().size());
            for (VolumeState s : states.all()) {
                assertEquals(VolumeState.Status.DONE, s.status(), s.toString());
                assertEquals("sha256:" + s.vdi(), s.digest());
                assertEquals(1, s.attempts());
            }
            assertEquals(List.of(), claimFiles(state), "every claim released");
        }
    }

    @Test
    void aJobRunsUpToItsConcurrencyAtOnceAndNoMore() throws Exception {
        Path state = tmp.resolve("state");
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch threeIn = new CountDownLatch(3);
        VolumeMigration m = (j, sr, vdi, dir) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            threeIn.countDown();
            threeIn.await(10, TimeUnit.SECONDS); // the first three wait for each other: they overlap
            Thread.sleep(5);
            running.decrementAndGet();
            return new VolumeMigration.Done("d", 1);
        };
        try (Claims claims = new Claims(state, "h", Duration.ofMinutes(10), Clock.systemUTC())) {
            BatchRun.Result r = new BatchRun(state, Clock.systemUTC(), d -> { }, Duration.ZERO, m, s -> { }, claims)
                    .run(List.of(job(3, Optional.empty())), Map.of("pool", volumes(0, 12)));
            assertEquals(12, r.done());
        }
        assertEquals(3, most.get());
        List<String> order = new ArrayList<>();
        JobStates.load(state, "pool").all().forEach(s -> order.add(s.vdi()));
        assertEquals(12, new HashSet<>(order).size());
    }

    @Test
    void withConcurrencyTheWindowStopsNewVolumesAndFailuresAreStillRetriedWithBackoff() throws Exception {
        Path state = tmp.resolve("state");
        Instant inside = LocalDateTime.of(2026, 12, 5, 23, 0).toInstant(ZoneOffset.UTC);
        Instant outside = LocalDateTime.of(2026, 12, 5, 7, 0).toInstant(ZoneOffset.UTC);
        ClaimsTest.MovableClock clock = new ClaimsTest.MovableClock(inside);
        List<String> calls = new CopyOnWriteArrayList<>();
        List<Duration> waits = new CopyOnWriteArrayList<>();
        AtomicInteger failuresOfB = new AtomicInteger(2);
        CountDownLatch bothStarted = new CountDownLatch(2);
        VolumeMigration m = (j, sr, vdi, dir) -> {
            calls.add(vdi);
            bothStarted.countDown();
            bothStarted.await(10, TimeUnit.SECONDS);
            clock.now = outside; // the window closes while the first two run
            if (vdi.equals("vdi-1") && failuresOfB.getAndDecrement() > 0) {
                throw new IOException("target busy");
            }
            return new VolumeMigration.Done("d", 1);
        };
        Job night = job(2, Optional.of(Window.parse("22:00-06:00")));
        BatchRun.Result r;
        try (Claims claims = new Claims(state, "h", Duration.ofMinutes(10), clock)) {
            r = new BatchRun(state, clock, waits::add, Duration.ofMillis(100), m, s -> { }, claims)
                    .run(List.of(night), Map.of("pool", volumes(0, 6)));
        }
        assertEquals(2, r.done(), "the two started finish, vdi-1 after two retries");
        assertEquals(4, r.left());
        assertTrue(r.paused());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), waits);
        assertEquals(Set.of("vdi-0", "vdi-1"), new HashSet<>(calls));
        assertEquals(4, calls.size());
        assertEquals(List.of("vdi-0", "vdi-1", "vdi-2", "vdi-3", "vdi-4", "vdi-5"),
                r.outcomes().stream().map(BatchRun.Outcome::vdi).toList(), "outcomes in list order");
        assertEquals(3, JobStates.load(state, "pool").get("/sr", "vdi-1").attempts());
        assertEquals(BatchRun.Kind.LEFT, r.outcomes().get(2).kind());
        assertTrue(r.outcomes().get(2).reason().contains("22:00-06:00"));
    }

    /**
     * The child: one "host" running the job over the shared volumes 0..59 in order (the worst
     * case: both hosts reach the same volume at the same time) and its own OWN..OWN+9, recording
     * each call in a file.
     */
    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        String host = args[1];
        Path record = Path.of(args[2]);
        List<BatchRun.Volume> seen = volumes(0, 60);
        seen.addAll(volumes(Integer.parseInt(args[3]), Integer.parseInt(args[3]) + 10));
        VolumeMigration m = (j, sr, vdi, dir) -> {
            // O_APPEND: each line lands whole, whatever the other process writes
            Files.writeString(record, vdi + " " + host + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Thread.sleep(2);
            return new VolumeMigration.Done("sha256:" + vdi, 1);
        };
        System.out.println("ready");
        System.out.flush();
        // both children wait for the start file, so they really run together
        while (!Files.exists(state.resolve("go"))) {
            Thread.sleep(5);
        }
        try (Claims claims = Claims.of(state, host)) {
            BatchRun.Result r = new BatchRun(state, Clock.systemUTC(), d -> { }, Duration.ZERO, m, s -> { }, claims)
                    .run(List.of(job(2, Optional.empty())), Map.of("pool", seen));
            System.out.println("done " + r.done() + " skipped " + r.skipped() + " already " + r.alreadyDone());
        }
    }

    @Test
    void twoProcessesOverOverlappingVolumesMigrateEachVolumeOnce() throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path record = tmp.resolve("calls.txt");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Process> children = new ArrayList<>();
        try {
            for (String[] h : List.of(new String[] {"host-a", "60"}, new String[] {"host-b", "70"})) {
                children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        BatchRunPoolTest.class.getName(), state.toString(), h[0], record.toString(), h[1])
                        .redirectErrorStream(true).start());
            }
            for (Process p : children) {
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
                assertEquals("ready", line);
            }
            Files.createFile(state.resolve("go"));
            for (Process p : children) {
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child finishes");
                String out = new String(p.getInputStream().readAllBytes());
                assertEquals(0, p.exitValue(), out);
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }
        Map<String, List<String>> by = new ConcurrentHashMap<>();
        for (String line : Files.readAllLines(record)) {
            String[] f = line.split(" ");
            by.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1]);
        }
        assertEquals(80, by.size());
        by.forEach((vdi, hosts) -> assertEquals(1, hosts.size(), vdi + " migrated by " + hosts));
        for (int i = 60; i < 80; i++) {
            assertEquals(List.of(i < 70 ? "host-a" : "host-b"), by.get("vdi-" + i));
        }
        JobStates states = JobStates.load(state, "pool");
        assertEquals(80, states.all().size());
        states.all().forEach(s -> assertEquals(VolumeState.Status.DONE, s.status(), s.toString()));
        assertEquals(List.of(), claimFiles(state));
    }

    private static List<Path> claimFiles(Path state) throws IOException {
        Path dir = state.resolve("claims");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().equals(".lock")).toList();
        }
    }
}
