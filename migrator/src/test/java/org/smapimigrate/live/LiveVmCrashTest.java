package org.smapimigrate.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import org.smapimigrate.disk.FileSink;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.live.LivePassesCrashTest.Bytes;
import org.smapimigrate.live.LivePassesCrashTest.Killed;
import org.smapimigrate.live.LivePassesCrashTest.Steps;

/**
 * {@link LivePasses} with a VM of two disks against a simple model, as {@link LivePassesCrashTest}
 * does for one: a run killed at the n-th call it makes to the source, the targets or the
 * switch-over, for every n, then run again, ends as an uninterrupted run (each target file equal
 * to its disk's final bytes, no snapshot of either disk left, the VM stopped and started once per
 * switch-over, one volume per disk, both repointed in one call); killed anywhere before the
 * repoint, {@code --abort} releases every snapshot of both disks and destroys both volumes; a
 * failure at any call leaves the VM on its old disks with no snapshot, and names the disk when it
 * came from one; a target of the second disk that differs at the switch-over fails it naming that
 * disk and the byte offset, nothing repointed. And the stop decision: the last round before the
 * stop is judged on its bytes summed over the disks.
 *
 * <p>The model VM: one byte array per disk that a "guest" writes sector runs into (twenty random
 * writes per disk just before each snapshot, none while stopped; or, for the stop decision, a
 * fixed number of 4 KiB blocks one after the other); snapshots are copies; changed ranges are the
 * runs written between two snapshots' write counts, as sector bitmaps would say.
 */
class LiveVmCrashTest {
    private static final Map<String, Integer> SIZES = new LinkedHashMap<>(Map.of("disk-a", 128 * 1024,
            "disk-b", 64 * 1024));
    private static final List<String> DISKS = List.of("disk-a", "disk-b");
    /**
     * The VM's disks once its VBDs were repointed (what {@code disksOf} finds then: the new VDIs);
     * a run resumed in or after its repoint is given these, and must go on with the journal's.
     */
    private static final List<String> REPOINTED = List.of("new-a", "new-b");

    @TempDir(factory = MemoryTempDir.class)
    Path tmp;

    /** One disk of the model VM. */
    static final class ModelDisk {
        final byte[] live;
        final List<int[]> writes = new ArrayList<>();
        final Map<String, byte[]> snaps = new LinkedHashMap<>();
        final Map<String, Integer> seqOf = new LinkedHashMap<>();
        /** Blocks of 4 KiB written one after the other per freeze; 0: twenty random runs. */
        int sequentialBlocks;
        int cursor;

        ModelDisk(int size, Random rnd) {
            live = new byte[size];
            rnd.nextBytes(live);
        }
    }

    /** The model VM (see the class comment). */
    static final class ModelVm implements SourceController {
        final Steps steps;
        final Random rnd = new Random(5);
        final Map<String, ModelDisk> disks = new LinkedHashMap<>();
        boolean running = true;
        /** Runs when the VM is stopped (a test's way to corrupt a target then); may be null. */
        Steps.Action onStop;
        int stops;
        int starts;

        ModelVm(Steps steps) {
            this.steps = steps;
            SIZES.forEach((d, size) -> disks.put(d, new ModelDisk(size, rnd)));
        }

        void guestWrites(ModelDisk m) {
            if (!running) {
                return;
            }
            if (m.sequentialBlocks > 0) {
                for (int i = 0; i < m.sequentialBlocks; i++) {
                    int at = (m.cursor++ * 4096) % m.live.length;
                    byte[] b = new byte[4096];
                    rnd.nextBytes(b);
                    System.arraycopy(b, 0, m.live, at, b.length);
                    m.writes.add(new int[] {at, b.length});
                }
                return;
            }
            for (int i = 0; i < 20; i++) {
                int len = (1 + rnd.nextInt(8)) * 512;
                int at = rnd.nextInt(m.live.length / 512 - 8) * 512;
                byte[] b = new byte[len];
                if (rnd.nextInt(5) != 0) {
                    rnd.nextBytes(b); // else a run of zeros (a trim, as the target must see it)
                }
                System.arraycopy(b, 0, m.live, at, len);
                m.writes.add(new int[] {at, len});
            }
        }

        int snapshots() {
            return disks.values().stream().mapToInt(m -> m.snaps.size()).sum();
        }

        @Override
        public String describe() {
            return "model VM";
        }

        @Override
        public FrozenState freeze(String disk) throws IOException {
            steps.tick("freeze " + disk);
            ModelDisk m = disks.get(disk);
            guestWrites(m);
            String id = UUID.randomUUID().toString();
            m.snaps.put(id, m.live.clone());
            m.seqOf.put(id, m.writes.size());
            steps.tick("freeze made " + disk);
            return new FrozenState(disk, id, false, m.live.length, Instant.now(), Map.of("seq", "" + m.writes.size()));
        }

        @Override
        public FrozenState quiet(String disk) throws IOException {
            steps.tick("quiet " + disk);
            assertFalse(running, "quiet only once stopped");
            ModelDisk m = disks.get(disk);
            return new FrozenState(disk, disk, true, m.live.length, Instant.now(), Map.of("seq", "" + m.writes.size()));
        }

        @Override
        public VirtualDisk open(FrozenState s) throws IOException {
            steps.tick("open " + s.disk());
            ModelDisk m = disks.get(s.disk());
            byte[] b = s.quiet() ? m.live.clone() : m.snaps.get(s.id());
            if (b == null) {
                throw new IOException("snapshot " + s.id() + " is gone");
            }
            return new Bytes(b);
        }

        @Override
        public ChangedRanges changedBetween(FrozenState older, FrozenState newer) throws IOException {
            steps.tick("changed " + older.disk());
            ModelDisk m = disks.get(older.disk());
            assertEquals(older.disk(), newer.disk());
            if (!older.quiet() && !m.snaps.containsKey(older.id())) {
                throw new IOException("older state released");
            }
            List<int[]> between = new ArrayList<>(m.writes.subList(Integer.parseInt(older.handle("seq")),
                    Integer.parseInt(newer.handle("seq"))));
            between.sort((x, y) -> Integer.compare(x[0], y[0]));
            ChangedRanges.Builder b = new ChangedRanges.Builder(m.live.length, 512);
            between.forEach(w -> b.add(w[0], w[1]));
            return b.build();
        }

        @Override
        public void release(FrozenState s) throws IOException {
            steps.tick("release " + s.disk());
            disks.get(s.disk()).snaps.remove(s.id());
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
            return new PowerEvent("start", Instant.now(), Instant.now(), "started");
        }

        @Override
        public List<FrozenState> recover(String disk) throws IOException {
            steps.tick("recover " + disk);
            ModelDisk m = disks.get(disk);
            List<FrozenState> out = new ArrayList<>();
            m.snaps.forEach((id, b) -> out.add(new FrozenState(disk, id, false, m.live.length, Instant.now(),
                    Map.of("seq", "" + m.seqOf.get(id)))));
            return out;
        }

        @Override
        public void close() {
        }
    }

    /** A target volume: a sparse file named {@code DISK.UUID} in a directory. */
    static final class FileVolume implements LiveTarget {
        final Path file;
        final long size;
        final Steps steps;

        FileVolume(Path file, long size, Steps steps) {
            this.file = file;
            this.size = size;
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
            return FileSink.open(file, size, fresh);
        }

        @Override
        public VirtualDisk openReader() throws IOException {
            steps.tick("reader");
            return RawFileDisk.open(file, size);
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

    /** The one repoint call of a run: every disk's volume at once, or (a failure) none. */
    record Repoint(Map<String, String> keys, Map<String, String> digests) {
    }

    private LivePasses passes(ModelVm vm, Steps steps, Path volumes, List<Repoint> repointed, LiveSettings settings) {
        return passes(vm, steps, volumes, repointed, settings, DISKS);
    }

    private LivePasses passes(ModelVm vm, Steps steps, Path volumes, List<Repoint> repointed, LiveSettings settings,
                              List<String> disks) {
        LivePasses.Targets targets = (disk, key, size) -> {
            steps.tick("target " + disk);
            Path f = volumes.resolve(key == null ? disk + "." + UUID.randomUUID() : key);
            if (key == null) {
                Files.createFile(f);
            } else if (!Files.exists(f)) {
                throw new IOException("volume " + key + " is gone");
            }
            assertTrue(f.getFileName().toString().startsWith(disk + "."), "the volume of " + disk + ": " + f);
            return new FileVolume(f, SIZES.get(disk), steps);
        };
        LivePasses.SwitchOver repoint = (keys, digests) -> {
            steps.tick("repoint");
            Repoint r = new Repoint(Map.copyOf(keys), Map.copyOf(digests));
            if (!repointed.contains(r)) {
                repointed.add(r);
            }
            steps.tick("repointed");
            return "repointed " + keys;
        };
        return new LivePasses(vm, disks, tmp.resolve("journal"), targets, repoint, settings, null);
    }

    /** Two passes before the switch-over: pass 0, one delta (with its release of pass 0's state), the final delta. */
    private static LiveSettings settings() {
        return new LiveSettings(-1, null, 2, new StopPolicy(Duration.ofSeconds(1), false));
    }

    private LiveResult run(ModelVm vm, Steps steps, Path volumes, List<Repoint> repointed) throws IOException {
        return passes(vm, steps, volumes, repointed, settings()).run();
    }

    /** A run given the VM's disks as they are after its repoint. */
    private LiveResult runRepointed(ModelVm vm, Steps steps, Path volumes, List<Repoint> repointed) throws IOException {
        return passes(vm, steps, volumes, repointed, settings(), REPOINTED).run();
    }

    private LiveResult abort(ModelVm vm, Steps steps, Path volumes) throws IOException {
        return passes(vm, steps, volumes, new ArrayList<>(), settings()).abort();
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private void assertEndState(ModelVm vm, Path volumes, List<Repoint> repointed, LiveResult r) throws IOException {
        assertTrue(r.verified(), "every disk verified");
        assertEquals("new", r.startedOn());
        assertTrue(vm.running);
        assertEquals(vm.stops, vm.starts, "every stop followed by a start");
        assertEquals(0, vm.snapshots(), "no snapshot of any disk left");
        assertEquals(DISKS, r.disks().stream().map(LiveDisk::disk).toList());
        List<Path> files = files(volumes);
        assertEquals(2, files.size(), "one target volume per disk: " + files);
        Map<String, String> keys = new LinkedHashMap<>();
        for (LiveDisk d : r.disks()) {
            assertTrue(d.verified(), d.disk());
            for (LivePass p : d.passes()) {
                assertEquals(p.last(), p.digest() == null, "every pass but the switch-over's verified: " + p);
            }
            assertTrue(!d.passes().isEmpty() && d.passes().get(d.passes().size() - 1).last(),
                    "the switch-over's delta last: " + r);
            assertArrayEquals(vm.disks.get(d.disk()).live, Files.readAllBytes(volumes.resolve(d.volume())),
                    "the target of " + d.disk() + " holds its final state");
            keys.put(d.disk(), d.volume());
        }
        assertEquals(1, repointed.size(), "one repoint for the VM: " + repointed);
        assertEquals(keys, repointed.get(0).keys(), "both disks repointed together");
        assertEquals(2, repointed.get(0).digests().size());
        assertNull(r.sourceDigest(), "several disks: the digests are each disk's");
        assertEquals(String.join(", ", DISKS), r.disk());
    }

    @Test
    void anUninterruptedRunMovesBothDisksWithOneStop() throws Exception {
        Steps steps = new Steps();
        ModelVm vm = new ModelVm(steps);
        Path volumes = Files.createDirectories(tmp.resolve("clean"));
        List<Repoint> repointed = new ArrayList<>();
        LiveResult r = run(vm, steps, volumes, repointed);
        assertEndState(vm, volumes, repointed, r);
        assertEquals(1, vm.stops);
        assertEquals(2, r.livePasses());
        for (LiveDisk d : r.disks()) {
            assertEquals(3, d.passes().size(), d.toString());
            assertEquals(SIZES.get(d.disk()).longValue(), d.passes().get(0).changed(), "pass 0 copies the whole disk");
        }
        assertTrue(r.downtimeSeconds() != null && r.downtimeSeconds() >= 0);
        assertTrue(run(vm, steps, volumes, repointed).alreadyDone());
    }

    @Test
    void aRunKilledAtAnyStepResumesToTheSameEnd() throws Exception {
        Steps count = new Steps();
        run(new ModelVm(count), count, Files.createDirectories(tmp.resolve("clean")), new ArrayList<>());
        int total = count.count;
        assertTrue(total > 40, "steps: " + total);
        for (int k = 1; k <= total; k++) {
            Files.deleteIfExists(tmp.resolve("journal"));
            Path volumes = Files.createDirectories(tmp.resolve("v" + k));
            Steps steps = new Steps();
            steps.killAt = k;
            ModelVm vm = new ModelVm(steps);
            List<Repoint> repointed = new ArrayList<>();
            assertThrows(Killed.class, () -> run(vm, steps, volumes, repointed), "killed at step " + k);
            steps.killAt = -1;
            boolean inRepoint = Files.readString(tmp.resolve("journal")).contains("\"repointing\"");
            LiveResult r = inRepoint ? runRepointed(vm, steps, volumes, repointed) : run(vm, steps, volumes, repointed);
            assertEndState(vm, volumes, repointed, r);
            LiveResult again = runRepointed(vm, steps, volumes, repointed);
            assertTrue(again.alreadyDone(), "step " + k);
            assertEquals(DISKS, again.disks().stream().map(LiveDisk::disk).toList(), "the journal's disks");
        }
    }

    @Test
    void aRunKilledAtAnyStepBeforeTheRepointAbortsEverythingAndStartsAgain() throws Exception {
        Steps count = new Steps();
        run(new ModelVm(count), count, Files.createDirectories(tmp.resolve("clean")), new ArrayList<>());
        int total = count.count;
        int aborted = 0;
        for (int k = 1; k <= total; k++) {
            Files.deleteIfExists(tmp.resolve("journal"));
            Path volumes = Files.createDirectories(tmp.resolve("a" + k));
            Steps steps = new Steps();
            steps.killAt = k;
            ModelVm vm = new ModelVm(steps);
            List<Repoint> repointed = new ArrayList<>();
            assertThrows(Killed.class, () -> run(vm, steps, volumes, repointed), "killed at step " + k);
            steps.killAt = -1;
            if (Files.readString(tmp.resolve("journal")).contains("\"repointing\"")) {
                IOException refused = assertThrows(IOException.class, () -> abort(vm, steps, volumes));
                assertTrue(refused.getMessage().contains("run the migration again"), refused.getMessage());
                assertEndState(vm, volumes, repointed, run(vm, steps, volumes, repointed));
                continue;
            }
            LiveResult a = abort(vm, steps, volumes);
            aborted++;
            assertTrue(a.aborted());
            assertEquals(0, vm.snapshots(), "no snapshot of any disk left after an abort at step " + k);
            assertTrue(vm.running);
            assertEquals(vm.stops, vm.starts);
            assertEquals(List.of(), files(volumes), "both volumes destroyed");
            assertEquals(List.of(), repointed);
            assertEndState(vm, volumes, repointed, run(vm, steps, volumes, repointed));
        }
        assertTrue(aborted > total / 2, "most kills come before the repoint: " + aborted + " of " + total);
    }

    @Test
    void aFailureAtAnyStepLeavesTheVmOnItsOldDisksNamingTheDisk() throws Exception {
        Steps count = new Steps();
        run(new ModelVm(count), count, Files.createDirectories(tmp.resolve("clean")), new ArrayList<>());
        int total = count.count;
        for (int k = 1; k <= total; k++) {
            Files.deleteIfExists(tmp.resolve("journal"));
            Path volumes = Files.createDirectories(tmp.resolve("f" + k));
            Steps steps = new Steps();
            steps.failAt = k;
            ModelVm vm = new ModelVm(steps);
            List<Repoint> repointed = new ArrayList<>();
            LivePasses.LiveFailure f = assertThrows(LivePasses.LiveFailure.class,
                    () -> run(vm, steps, volumes, repointed), "a failure at step " + k);
            String at = steps.failedAt;
            assertFalse(f.getMessage().contains("\n"));
            assertTrue(f.getMessage().contains("injected failure at " + at), f.getMessage());
            for (String d : DISKS) {
                // A step of one disk (freeze, open, changed ranges, release, ...) is named by its disk.
                if (at.endsWith(" " + d) && !at.startsWith("release") && !at.startsWith("recover")) {
                    assertTrue(f.getMessage().contains("disk " + d + ": injected"), f.getMessage());
                }
            }
            boolean cleanUp = at.startsWith("release") || at.startsWith("recover") || at.equals("start");
            if (!cleanUp) {
                assertEquals(0, vm.snapshots(), "no snapshot left after a failure at " + at);
                assertTrue(vm.running, "the VM runs after a failure at " + at);
                assertEquals(vm.stops, vm.starts);
                assertNull(f.result().switchedTo());
                assertTrue(repointed.isEmpty() || at.equals("repointed"), at);
                assertEquals(2, f.result().disks().size());
            }
            if (at.equals("repointed")) {
                repointed.clear(); // the repoint's own rollback is the XAPI switch-over's business
            }
            steps.failAt = -1;
            assertEndState(vm, volumes, repointed, run(vm, steps, volumes, repointed));
        }
    }

    @Test
    void aSecondDiskThatDiffersAtTheSwitchOverIsNamedAndNothingIsRepointed() throws Exception {
        Path volumes = Files.createDirectories(tmp.resolve("differs"));
        Steps steps = new Steps();
        ModelVm vm = new ModelVm(steps);
        long at = 4321;
        // The second disk's target goes bad after its last verified pass: only the switch-over's
        // whole check sees it (the model writes nothing while stopped).
        vm.onStop = () -> {
            Path b = files(volumes).stream().filter(p -> p.getFileName().toString().startsWith("disk-b."))
                    .findFirst().orElseThrow();
            try (FileChannel ch = FileChannel.open(b, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer one = ByteBuffer.allocate(1);
                ch.read(one, at);
                one.put(0, (byte) (one.get(0) ^ 0x5a)).rewind();
                ch.write(one, at);
            }
        };
        List<Repoint> repointed = new ArrayList<>();
        LivePasses.LiveFailure f = assertThrows(LivePasses.LiveFailure.class,
                () -> run(vm, steps, volumes, repointed));
        assertTrue(f.getMessage().contains("disk disk-b: verification failed") && f.getMessage().contains(
                "differs from the quiet source at byte offset " + at), f.getMessage());
        assertTrue(f.getMessage().contains("runs again on its old disks"), f.getMessage());
        assertEquals("old", f.result().startedOn());
        assertTrue(f.result().disks().get(0).verified(), "the first disk verified before");
        assertFalse(f.result().verified());
        assertTrue(vm.running);
        assertEquals(1, vm.stops);
        assertEquals(vm.stops, vm.starts);
        assertEquals(0, vm.snapshots());
        assertEquals(List.of(), repointed, "nothing repointed");
        // The next run starts again at pass 0 into the same volumes and finishes.
        vm.onStop = null;
        assertEndState(vm, volumes, repointed, run(vm, steps, volumes, repointed));
    }

    /**
     * Each disk writes 6 blocks of 4 KiB (24 KiB, never overlapping within a pass) before each
     * freeze. Below 40 KiB per disk but 48 KiB summed: with 40 KiB the VM is never below and runs
     * all of --max-passes; with 48 KiB the round after pass 0 is below and the switch-over follows
     * it.
     */
    @Test
    void theStopDecisionSumsTheRoundOverTheDisks() throws Exception {
        for (long below : new long[] {40 * 1024, 48 * 1024}) {
            Files.deleteIfExists(tmp.resolve("journal"));
            Steps steps = new Steps();
            ModelVm vm = new ModelVm(steps);
            vm.disks.values().forEach(m -> m.sequentialBlocks = 6);
            Path volumes = Files.createDirectories(tmp.resolve("below" + below));
            LiveResult r = passes(vm, steps, volumes, new ArrayList<>(), new LiveSettings(below, null, 4,
                    new StopPolicy(Duration.ofSeconds(1), false))).run();
            for (LiveDisk d : r.disks()) {
                for (LivePass p : d.passes().subList(1, d.passes().size() - 1)) {
                    assertEquals(24 * 1024, p.changed(), "each delta of " + d.disk() + ": " + p);
                }
            }
            assertEquals(below < 48 * 1024 ? 4 : 2, r.livePasses(), "switch-below " + below);
            assertTrue(r.verified());
        }
    }
}
