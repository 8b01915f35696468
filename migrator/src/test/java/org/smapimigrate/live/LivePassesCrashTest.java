package org.smapimigrate.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.FileSink;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.disk.VirtualDisk;

/**
 * {@link LivePasses}' journal against a simple model, at every step: a run killed at the n-th
 * call it makes to the source, the target or the switch-over (an {@link Error} the engine does not
 * catch, as a SIGKILL leaves the journal), for every n, then run again, must end exactly as an
 * uninterrupted run: the target file equal to the source's final bytes, no snapshot left, the
 * writer running, stopped and started as often, one target volume, repointed once. A failure
 * (IOException) injected at the n-th call instead must leave no snapshot and the writer running
 * on its old disk when it failed before the repoint, and a run after it must succeed.
 *
 * <p>The model source: a byte array a "guest" writes random sector runs into (twenty writes just
 * before each snapshot, none while stopped); snapshots are copies; changed ranges are the runs
 * written between two snapshots' write counts, as sector bitmaps would say.
 */
class LivePassesCrashTest {
    private static final int SIZE = 256 * 1024;

    @TempDir(factory = MemoryTempDir.class)
    Path tmp;

    /** What a SIGKILL does to the engine: nothing catches it, nothing runs after it. */
    static final class Killed extends Error {
        Killed() {
            super("killed", null, false, false);
        }
    }

    /** Counts the calls of one run; kills or fails at the chosen one. */
    static final class Steps {
        int count;
        int killAt = -1;
        int failAt = -1;
        /** The target's sink flips one byte of its n-th write (counted over the run); -1: never. */
        int corruptWrite = -1;
        int writesSeen;
        String failedAt;

        /** Something a test does at a step. */
        @FunctionalInterface
        interface Action {
            void run() throws IOException;
        }

        void tick(String what) throws IOException {
            count++;
            if (count == killAt) {
                throw new Killed();
            }
            if (count == failAt) {
                failedAt = what;
                throw new IOException("injected failure at " + what);
            }
        }
    }

    /** The model source (see the class comment). */
    static final class ModelSource implements SourceController {
        final Steps steps;
        final Random rnd = new Random(3);
        final byte[] live = new byte[SIZE];
        final List<int[]> writes = new ArrayList<>();
        final Map<String, byte[]> snaps = new LinkedHashMap<>();
        final Map<String, Integer> seqOf = new LinkedHashMap<>();
        boolean running = true;
        /** Runs when the writer is stopped (a test's way to corrupt the target then); may be null. */
        Steps.Action onStop;
        int stops;
        int starts;

        ModelSource(Steps steps) {
            this.steps = steps;
            rnd.nextBytes(live);
        }

        void guestWrites(int n) {
            for (int i = 0; running && i < n; i++) {
                int len = (1 + rnd.nextInt(8)) * 512;
                int at = rnd.nextInt(SIZE / 512 - 8) * 512;
                byte[] b = new byte[len];
                rnd.nextBytes(b);
                if (rnd.nextInt(5) == 0) {
                    b = new byte[len]; // a run of zeros (a trim, as the target must see it)
                }
                System.arraycopy(b, 0, live, at, len);
                writes.add(new int[] {at, len});
            }
        }

        @Override
        public String describe() {
            return "model";
        }

        @Override
        public FrozenState freeze(String disk) throws IOException {
            steps.tick("freeze");
            guestWrites(20);
            String id = UUID.randomUUID().toString();
            snaps.put(id, live.clone());
            seqOf.put(id, writes.size());
            steps.tick("freeze made");
            return new FrozenState(disk, id, false, SIZE, Instant.now(), Map.of("seq", "" + writes.size()));
        }

        @Override
        public FrozenState quiet(String disk) throws IOException {
            steps.tick("quiet");
            assertFalse(running, "quiet only once stopped");
            return new FrozenState(disk, disk, true, SIZE, Instant.now(), Map.of("seq", "" + writes.size()));
        }

        @Override
        public VirtualDisk open(FrozenState s) throws IOException {
            steps.tick("open");
            byte[] b = s.quiet() ? live.clone() : snaps.get(s.id());
            if (b == null) {
                throw new IOException("snapshot " + s.id() + " is gone");
            }
            return new Bytes(b);
        }

        @Override
        public ChangedRanges changedBetween(FrozenState older, FrozenState newer) throws IOException {
            steps.tick("changed");
            if (!older.quiet() && !snaps.containsKey(older.id())) {
                throw new IOException("older state released");
            }
            List<int[]> between = new ArrayList<>(writes.subList(Integer.parseInt(older.handle("seq")),
                    Integer.parseInt(newer.handle("seq"))));
            between.sort((x, y) -> Integer.compare(x[0], y[0]));
            ChangedRanges.Builder b = new ChangedRanges.Builder(SIZE, 512);
            between.forEach(w -> b.add(w[0], w[1]));
            return b.build();
        }

        @Override
        public void release(FrozenState s) throws IOException {
            steps.tick("release");
            snaps.remove(s.id());
        }

        @Override
        public PowerEvent stop(StopPolicy policy) throws IOException {
            steps.tick("stop");
            running = false;
            if (onStop != null) {
                onStop.run();
            }
            stops++;
            return new PowerEvent("stop", Instant.now(), Instant.now(), "clean");
        }

        @Override
        public PowerEvent start() throws IOException {
            steps.tick("start");
            if (!running) { // idempotent, as the interface asks
                running = true;
                starts++;
            }
            return new PowerEvent("start", Instant.now(), Instant.now(), "hook");
        }

        @Override
        public List<FrozenState> recover(String disk) throws IOException {
            steps.tick("recover");
            List<FrozenState> out = new ArrayList<>();
            snaps.forEach((id, b) -> out.add(new FrozenState(disk, id, false, SIZE, Instant.now(),
                    Map.of("seq", "" + seqOf.get(id)))));
            return out;
        }

        @Override
        public void close() {
        }
    }

    /** A disk over a byte array. */
    record Bytes(byte[] b) implements VirtualDisk {
        @Override
        public long size() {
            return b.length;
        }

        @Override
        public void read(ByteBuffer dst, long offset) {
            dst.put(b, (int) offset, dst.remaining());
        }

        @Override
        public List<Extent> extents(long offset, long length) {
            return List.of(new Extent(offset, length, ExtentKind.DATA));
        }

        @Override
        public String describe() {
            return "bytes";
        }

        @Override
        public void close() {
        }
    }

    /** The target: sparse files in a directory, one per volume. */
    final class Files1 implements LiveTarget {
        final Path file;
        final Steps steps;

        Files1(Path file, Steps steps) {
            this.file = file;
            this.steps = steps;
        }

        @Override
        public String key() {
            return file.getFileName().toString();
        }

        @Override
        public String describe() {
            return file.toString();
        }

        @Override
        public DiskSink openSink(boolean fresh) throws IOException {
            steps.tick("sink");
            DiskSink real = FileSink.open(file, SIZE, fresh);
            return new DiskSink() {
                @Override
                public long size() {
                    return real.size();
                }

                @Override
                public void write(ByteBuffer src, long offset) throws IOException {
                    if (++steps.writesSeen == steps.corruptWrite) {
                        ByteBuffer copy = ByteBuffer.allocate(src.remaining()).put(src).flip();
                        copy.put(0, (byte) (copy.get(0) ^ 1));
                        src = copy;
                    }
                    real.write(src, offset);
                }

                @Override
                public void writeZeroes(long offset, long length) throws IOException {
                    real.writeZeroes(offset, length);
                }

                @Override
                public void flush() throws IOException {
                    real.flush();
                }

                @Override
                public String describe() {
                    return real.describe();
                }

                @Override
                public void close() throws IOException {
                    real.close();
                }
            };
        }

        @Override
        public VirtualDisk openReader() throws IOException {
            steps.tick("reader");
            return RawFileDisk.open(file, SIZE);
        }

        @Override
        public void markComplete(String disk, String digest) throws IOException {
            steps.tick("mark");
        }

        @Override
        public void destroy() throws IOException {
            steps.tick("destroy");
            Files.delete(file);
        }

        @Override
        public void close() {
        }
    }

    /** One "process" of the migration over the same source, target directory and journal. */
    private LiveResult run(ModelSource src, Steps steps, Path volumes, List<String> repointed) throws IOException {
        LivePasses.Targets targets = (disk, key, size) -> {
            steps.tick("target");
            Path f = volumes.resolve(key == null ? UUID.randomUUID().toString() : key);
            if (key == null) {
                Files.createFile(f);
            } else if (!Files.exists(f)) {
                throw new IOException("volume " + key + " is gone");
            }
            return new Files1(f, steps);
        };
        LivePasses.SwitchOver repoint = (keys, digests) -> {
            steps.tick("repoint");
            String key = keys.get("disk");
            if (!repointed.contains(key)) {
                repointed.add(key);
            }
            steps.tick("repointed");
            return "repointed to " + key;
        };
        return new LivePasses(src, "disk", tmp.resolve("journal"), targets, repoint,
                new LiveSettings(-1, null, 3, new StopPolicy(Duration.ofSeconds(1), false)), null).run();
    }

    private void assertEndState(ModelSource src, Path volumes, List<String> repointed, LiveResult r) throws IOException {
        assertTrue(r.verified());
        for (LivePass p : r.passes()) {
            assertEquals(p.last(), p.digest() == null, "every pass but the switch-over's verified on its own: " + p);
        }
        assertEquals("new", r.startedOn());
        assertTrue(src.running);
        assertEquals(src.stops, src.starts, "every stop followed by a start");
        assertEquals(Map.of(), src.snaps, "no snapshot left");
        List<Path> files;
        try (Stream<Path> s = Files.list(volumes)) {
            files = s.toList();
        }
        assertEquals(1, files.size(), "one target volume: " + files);
        assertArrayEquals(src.live, Files.readAllBytes(files.get(0)), "the target holds the final state");
        assertEquals(List.of(r.volume()), repointed);
    }

    @Test
    void aRunKilledAtAnyStepResumesToTheSameEnd() throws Exception {
        Steps count = new Steps();
        Path clean = Files.createDirectories(tmp.resolve("clean"));
        List<String> rp = new ArrayList<>();
        LiveResult r0 = run(new ModelSource(count), count, clean, rp);
        assertEquals(4, r0.passes().size());
        int total = count.count;
        assertTrue(total > 20, "steps: " + total);
        for (int k = 1; k <= total; k++) {
            Files.deleteIfExists(tmp.resolve("journal"));
            Path volumes = Files.createDirectories(tmp.resolve("v" + k));
            Steps steps = new Steps();
            steps.killAt = k;
            ModelSource src = new ModelSource(steps);
            List<String> repointed = new ArrayList<>();
            assertThrows(Killed.class, () -> run(src, steps, volumes, repointed), "killed at step " + k);
            steps.killAt = -1;
            LiveResult r = run(src, steps, volumes, repointed);
            assertEndState(src, volumes, repointed, r);
            // And once more: finished, nothing done.
            assertTrue(run(src, steps, volumes, repointed).alreadyDone(), "step " + k);
        }
    }

    @Test
    void aRunKilledAtAnyStepBeforeTheRepointAbortsCleanlyAndStartsAgain() throws Exception {
        Steps count = new Steps();
        run(new ModelSource(count), count, Files.createDirectories(tmp.resolve("clean")), new ArrayList<>());
        int total = count.count;
        for (int k = 1; k <= total; k++) {
            Files.deleteIfExists(tmp.resolve("journal"));
            Path volumes = Files.createDirectories(tmp.resolve("a" + k));
            Steps steps = new Steps();
            steps.killAt = k;
            ModelSource src = new ModelSource(steps);
            List<String> repointed = new ArrayList<>();
            assertThrows(Killed.class, () -> run(src, steps, volumes, repointed), "killed at step " + k);
            steps.killAt = -1;
            if (Files.readString(tmp.resolve("journal")).contains("\"repointing\"")) {
                // Killed in or after the repoint: an abort is refused, the next run finishes it.
                IOException refused = assertThrows(IOException.class, () -> abort(src, steps, volumes));
                assertTrue(refused.getMessage().contains("run the migration again"), refused.getMessage());
                assertEndState(src, volumes, repointed, run(src, steps, volumes, repointed));
                continue;
            }
            LiveResult a = abort(src, steps, volumes);
            assertTrue(a.aborted());
            assertEquals(Map.of(), src.snaps, "no snapshot left after an abort at step " + k);
            assertTrue(src.running);
            assertEquals(src.stops, src.starts);
            try (Stream<Path> s = Files.list(volumes)) {
                assertEquals(0, s.count(), "the volume is destroyed");
            }
            LiveResult r = run(src, steps, volumes, repointed);
            assertEndState(src, volumes, repointed, r);
        }
    }

    private LiveResult abort(ModelSource src, Steps steps, Path volumes) throws IOException {
        LivePasses.Targets targets = (disk, key, size) -> {
            steps.tick("target");
            return new Files1(volumes.resolve(key), steps);
        };
        return new LivePasses(src, "disk", tmp.resolve("journal"), targets, (k, g) -> "no",
                new LiveSettings(-1, null, 3, new StopPolicy(Duration.ofSeconds(1), false)), null).abort();
    }

    @Test
    void aTargetThatCorruptsAWriteFailsThatPassAndTheNextRunRepairsIt() throws Exception {
        Steps count = new Steps();
        run(new ModelSource(count), count, Files.createDirectories(tmp.resolve("clean")), new ArrayList<>());
        int writes = count.writesSeen;
        assertTrue(writes > 3, "writes: " + writes);
        // The first write (pass 0), one in the middle (a delta) and the last (the switch-over's delta).
        for (int n : new int[] {1, writes / 2, writes}) {
            Files.deleteIfExists(tmp.resolve("journal"));
            Path volumes = Files.createDirectories(tmp.resolve("c" + n));
            Steps steps = new Steps();
            steps.corruptWrite = n;
            ModelSource src = new ModelSource(steps);
            List<String> repointed = new ArrayList<>();
            LivePasses.LiveFailure f = assertThrows(LivePasses.LiveFailure.class,
                    () -> run(src, steps, volumes, repointed), "write " + n);
            assertTrue(f.getMessage().contains("does not verify") || f.getMessage().contains("verification failed"),
                    f.getMessage());
            if (f.getMessage().contains("verification failed")) {
                // The switch-over's check compares bytes and names the first that differs.
                assertTrue(f.getMessage().contains("differs from the quiet source at byte offset "), f.getMessage());
            }
            assertTrue(src.running);
            assertEquals(Map.of(), src.snaps);
            assertEquals(List.of(), repointed);
            steps.corruptWrite = -1;
            // The next run starts again at pass 0 into the same volume, which it overwrites whole.
            LiveResult r = run(src, steps, volumes, repointed);
            assertEndState(src, volumes, repointed, r);
        }
    }

    @Test
    void aTargetThatDiffersAtTheSwitchOverIsNamedByOffsetAndTheWriterRunsOnItsOldDisk() throws Exception {
        Path volumes = Files.createDirectories(tmp.resolve("differs"));
        Steps steps = new Steps();
        ModelSource src = new ModelSource(steps);
        long at = 12345;
        // The target goes bad after the last verified pass: only the switch-over's whole check sees it
        // (the model writes nothing while stopped, so the final delta does not rewrite it).
        src.onStop = () -> {
            try (Stream<Path> s = Files.list(volumes);
                 java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(s.findFirst().orElseThrow(),
                         java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.allocate(1);
                ch.read(b, at);
                b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
                ch.write(b, at);
            }
        };
        List<String> repointed = new ArrayList<>();
        LivePasses.LiveFailure f = assertThrows(LivePasses.LiveFailure.class, () -> run(src, steps, volumes, repointed));
        assertTrue(f.getMessage().contains("verification failed") && f.getMessage().contains("differs from the quiet"
                + " source at byte offset " + at), f.getMessage());
        assertEquals("old", f.result().startedOn());
        assertTrue(src.running);
        assertEquals(src.stops, src.starts);
        assertEquals(Map.of(), src.snaps);
        assertEquals(List.of(), repointed);
    }

    @Test
    void aFailureAtAnyStepLeavesTheWriterOnItsOldDiskAndNoSnapshot() throws Exception {
        Steps count = new Steps();
        run(new ModelSource(count), count, Files.createDirectories(tmp.resolve("clean")), new ArrayList<>());
        int total = count.count;
        for (int k = 1; k <= total; k++) {
            Files.deleteIfExists(tmp.resolve("journal"));
            Path volumes = Files.createDirectories(tmp.resolve("v" + k));
            Steps steps = new Steps();
            steps.failAt = k;
            ModelSource src = new ModelSource(steps);
            List<String> repointed = new ArrayList<>();
            LivePasses.LiveFailure f = assertThrows(LivePasses.LiveFailure.class,
                    () -> run(src, steps, volumes, repointed), "a failure at step " + k);
            String at = steps.failedAt;
            assertFalse(f.getMessage().contains("\n"));
            assertTrue(f.getMessage().contains("injected failure at " + at), f.getMessage());
            if (!at.equals("release") && !at.equals("recover") && !at.equals("start")) {
                assertEquals(Map.of(), src.snaps, "no snapshot left after a failure at " + at);
                assertTrue(src.running, "the writer runs after a failure at " + at);
                assertEquals(src.stops, src.starts);
                assertNull(f.result().switchedTo());
                assertTrue(repointed.isEmpty() || at.equals("repointed"), at);
            }
            if (at.equals("repointed")) {
                // The switch-over's own rollback is the XAPI switch-over's business; here the
                // model's repoint stays, and the next run goes through it again.
                repointed.clear();
            }
            steps.failAt = -1;
            LiveResult r = run(src, steps, volumes, repointed);
            assertEndState(src, volumes, repointed, r);
        }
    }
}
