package org.smapimigrate.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.vhd.VhdWriter;

/**
 * Issue 13's done-when for the local controller: a writer PROCESS ({@link LeafWriterProcess})
 * writes random sectors through our VhdWriter into the active leaf of a file-SR VDI at a steady
 * rate, honouring the reopen hook (pause/unpause, as tap-ctl), while {@code smapi-migrate migrate
 * --mode live} (its own JVM) moves the VDI into the bundled SMAPIv3 SR.
 *
 * <p>Expectations come from third-party tools, never from our reader: the VDI's starting content
 * is {@code qemu-img convert} of its (single, dynamic) VHD; its final state is that raw image with
 * every write the writer logged replayed by {@code qemu-io}; the target volume (a sparse raw file
 * of the bundled plugin) is hashed with {@code sha256sum}.
 *
 * <p>What the source SR must look like afterwards, as after SM's own {@code VDI.snapshot} +
 * {@code VDI.destroy} (smapiv1-layout.md A, "Snapshot/clone"): the other VDI's file byte for byte
 * unchanged; the VDI's original file (same inode) is now the first hidden base copy and holds its
 * starting content plus exactly the writes made before the first snapshot (qemu-img convert of it
 * against the qemu-io replay of those writes); one more hidden base copy per snapshot made; the
 * VDI's own name is the leaf; no snapshot VDI (visible non-leaf file), no {@code .vhd.new} left.
 */
class LiveLocalMigrationTest {
    private static final long MIB = 1 << 20;
    private static final long SIZE = 64 * MIB;
    private static final String VDI = "0f3c5a2e-7b1d-4e8f-9a6b-2c4d6e8f0a1b";
    private static final String OTHER = "9e8d7c6b-5a49-4837-a625-1b0c9d8e7f6a";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Process writer;

    @AfterEach
    void stopWriter() {
        if (writer != null) {
            writer.destroyForcibly();
        }
    }

    /** The SR, the writer started, and what the test knows before the migration. */
    private record Setup(Path sr, Path ctl, Path target, Path state, Path initialRaw, String otherSha, Object inode,
                         List<String> hooks) {
    }

    private Setup setUp() throws Exception {
        Path sr = Files.createDirectories(tmp.resolve("sr"));
        Path ctl = Files.createDirectories(tmp.resolve("ctl"));
        Path leaf = sr.resolve(VDI + ".vhd");
        Random rnd = new Random(13);
        try (VhdWriter w = VhdWriter.dynamic(leaf, SIZE).create()) {
            byte[] b = new byte[(int) MIB];
            for (long at = 0; at < 40 * MIB; at += MIB) {
                rnd.nextBytes(b);
                w.write(at, b);
            }
        }
        try (VhdWriter w = VhdWriter.dynamic(sr.resolve(OTHER + ".vhd"), 8 * MIB).create()) {
            byte[] b = new byte[(int) MIB];
            rnd.nextBytes(b);
            w.write(3 * MIB, b);
        }
        Path initial = tmp.resolve("initial.raw");
        run("qemu-img", "convert", "-f", "vpc", "-O", "raw", leaf.toString(), initial.toString());
        String otherSha = sha256sum(sr.resolve(OTHER + ".vhd"));
        Object inode = Files.getAttribute(leaf, "unix:ino");
        Path reopen = Files.writeString(tmp.resolve("reopen.sh"), """
                C='%s'
                ask() { echo "$1" > "$C/request.tmp"; mv "$C/request.tmp" "$C/request"; }
                state() { cat "$C/state" 2>/dev/null; }
                case "$SMAPI_MIGRATE_ACTION" in
                pause) ask pause; until [ "$(state)" = paused ]; do sleep 0.002; done ;;
                unpause)
                  ask run; until [ "$(state)" = running ] || [ "$(state)" = stopped ]; do sleep 0.002; done
                  n=$(( $(cat "$C/unpauses" 2>/dev/null || echo 0) + 1 )); echo $n > "$C/unpauses"
                  if [ -f "$C/kill-at" ] && [ "$(cat "$C/kill-at")" = "$n" ]; then rm "$C/kill-at"; kill -9 "$(cat "$C/migration.pid")"; fi ;;
                *) echo "unknown action $SMAPI_MIGRATE_ACTION"; exit 3 ;;
                esac
                """.formatted(ctl));
        Path stop = Files.writeString(tmp.resolve("stop.sh"), """
                C='%s'
                echo stop > "$C/request.tmp"; mv "$C/request.tmp" "$C/request"
                until [ "$(cat "$C/state")" = stopped ]; do sleep 0.002; done
                echo "$SMAPI_MIGRATE_ACTION $SMAPI_MIGRATE_VDI" >> "$C/stops"
                """.formatted(ctl));
        Path start = Files.writeString(tmp.resolve("start.sh"), """
                echo "$SMAPI_MIGRATE_VDI ${SMAPI_MIGRATE_TARGET_VOLUME:-old}" >> '%s/starts'
                """.formatted(ctl));
        writer = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                LeafWriterProcess.class.getName(), leaf.toString(), ctl.toString(), "400", "21")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("writer.out").toFile()).start();
        for (int i = 0; i < 300 && !"running".equals(state(ctl)); i++) {
            Thread.sleep(20);
        }
        assertEquals("running", state(ctl), "the writer started: " + Files.readString(tmp.resolve("writer.out")));
        Thread.sleep(300);
        return new Setup(sr, ctl, tmp.resolve("v3sr"), tmp.resolve("state"), initial, otherSha, inode,
                List.of("--reopen-hook", "sh " + reopen, "--stop-hook", "sh " + stop, "--start-hook", "sh " + start));
    }

    private Process migrate(Setup s, Path out) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                "org.smapimigrate.cli.SmapiMigrate", "migrate", "--mode", "live", "--sr", s.sr().toString(), "--vdi",
                VDI, "--target-sr", s.target().toString(), "--state-dir", s.state().toString(), "--switch-below", "1",
                "--max-passes", "3", "--shutdown-timeout", "30", "--json"));
        cmd.addAll(s.hooks());
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(out.resolveSibling(out.getFileName() + ".err").toFile()).start();
        // For the reopen hook's SIGKILL (the kill test): long before pass 2, a JVM start away.
        Files.writeString(s.ctl().resolve("migration.pid"), Long.toString(p.pid()));
        return p;
    }

    @Test
    void aWrittenVdiMovesLiveWithThreePassesAndASecondOfDowntime() throws Exception {
        Setup s = setUp();
        Path out = tmp.resolve("run.json");
        Process m = migrate(s, out);
        assertTrue(m.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, m.exitValue(), Files.readString(out) + Files.readString(tmp.resolve("run.json.err")));
        JsonNode r = JSON.readTree(out.toFile());
        List<JsonNode> passes = new ArrayList<>();
        r.path("passes").forEach(passes::add);
        // Three passes before the switch-over (0 whole, 1 and 2 deltas), then the final delta.
        assertEquals(4, passes.size(), r.toString());
        assertTrue(passes.get(3).path("last").asBoolean());
        long p0 = passes.get(0).path("changed").asLong();
        long p1 = passes.get(1).path("changed").asLong();
        long p2 = passes.get(2).path("changed").asLong();
        assertEquals(SIZE, p0, "pass 0 is the whole disk");
        // Each delta holds what was written during the pass before it, and each pass is shorter
        // than the one before (pass 0 copies 40 MiB of data, pass 1 only what changed meanwhile).
        assertTrue(p0 > p1 && p1 > p2 && p2 > 0, "decreasing: " + p0 + " > " + p1 + " > " + p2);
        assertEquals(512, passes.get(1).path("granularity").asInt(), "sector-exact from the VHD bitmaps");
        double downtime = r.path("downtime_seconds").asDouble();
        assertTrue(downtime > 0 && downtime < 30, "downtime " + downtime);
        assertTrue(Files.readString(tmp.resolve("run.json.err")).isEmpty()
                || !Files.readString(tmp.resolve("run.json.err")).contains("error"));
        checkAfterSwitchOver(s, r, 3);
    }

    @Test
    void aMigrationKilledDuringPassTwoResumesToTheSameResult() throws Exception {
        Setup s = setUp();
        // The reopen hook SIGKILLs the migration right after unpausing the writer in pass 2's
        // freeze: the snapshot exists, the controller recorded it, the pass journal does not.
        Files.writeString(s.ctl().resolve("kill-at"), "3");
        Path first = tmp.resolve("first.json");
        Process m = migrate(s, first);
        assertTrue(m.waitFor(120, TimeUnit.SECONDS));
        assertEquals(137, m.exitValue(), "killed: " + Files.readString(tmp.resolve("first.json.err")));
        assertEquals("running", state(s.ctl()), "the writer runs on after the kill");
        // Left by the kill: three hidden base copies (one per freeze), pass 1's snapshot (the base
        // of the next delta, journaled) and pass 2's (made, not yet in the pass journal).
        assertEquals(3, hiddenBases(s).size(), listing(s));
        assertEquals(2, visibleSnapshots(s).size(), listing(s));
        Path second = tmp.resolve("second.json");
        Process again = migrate(s, second);
        assertTrue(again.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, again.exitValue(), Files.readString(second) + Files.readString(tmp.resolve("second.json.err")));
        JsonNode r = JSON.readTree(second.toFile());
        List<JsonNode> passes = new ArrayList<>();
        r.path("passes").forEach(passes::add);
        // Passes 0 and 1 from the first run's journal, pass 2 done again, then the final delta.
        // (Bytes need not decrease here: pass 2's delta also holds what was written while the
        // killed run was gone.)
        assertEquals(List.of(0, 1, 2, 3), passes.stream().map(p -> p.path("number").asInt()).toList(), r.toString());
        assertEquals(SIZE, passes.get(0).path("changed").asLong());
        assertTrue(r.path("downtime_seconds").asDouble() > 0);
        checkAfterSwitchOver(s, r, 4);
    }

    /** The target, the source SR and the writer after a successful switch-over; {@code freezes} snapshots were made. */
    private void checkAfterSwitchOver(Setup s, JsonNode r, int freezes) throws Exception {
        assertTrue(writer.waitFor(30, TimeUnit.SECONDS), "the stop hook stopped the writer");
        assertEquals("stopped", state(s.ctl()));
        List<String[]> log = new ArrayList<>();
        for (String l : Files.readAllLines(s.ctl().resolve("writes.log"))) {
            log.add(l.split(" "));
        }
        long writes = log.stream().filter(w -> w[0].equals("W")).count();
        assertTrue(writes > 100, "the writer wrote during the passes: " + writes);
        Path expected = tmp.resolve("expected.raw");
        Files.copy(s.initialRaw(), expected);
        replay(expected, log, Integer.MAX_VALUE);
        String expectedSha = sha256sum(expected);
        String volume = r.path("volume").asText();
        assertTrue(volume.matches("[0-9a-f-]{36}"), volume);
        Path volumeFile = s.target().resolve(volume + ".raw");
        assertEquals(SIZE, Files.size(volumeFile));
        assertEquals(expectedSha, sha256sum(volumeFile), "the target equals the source's final state (qemu-io replay)");
        assertEquals("sha256:" + expectedSha, r.path("source_digest").asText(), "the run verified that same state");
        assertTrue(r.path("verified").asBoolean());
        assertEquals("new", r.path("started_on").asText());
        assertEquals(List.of("stop " + VDI), Files.readAllLines(s.ctl().resolve("stops")));
        assertEquals(List.of(VDI + " " + volume), Files.readAllLines(s.ctl().resolve("starts")));

        // The source SR, as SM leaves it after as many VDI.snapshot + VDI.destroy.
        assertEquals(s.otherSha(), sha256sum(s.sr().resolve(OTHER + ".vhd")), "the other VDI is untouched");
        assertEquals(List.of(), visibleSnapshots(s), "no snapshot VDI left: " + listing(s));
        List<Path> bases = hiddenBases(s);
        assertEquals(freezes, bases.size(), "one hidden base copy per snapshot: " + listing(s));
        try (Stream<Path> files = Files.list(s.sr())) {
            assertEquals(freezes + 2, files.count(), "nothing else in the SR: " + listing(s));
        }
        Path original = bases.stream().filter(b -> inode(b).equals(s.inode())).findFirst().orElseThrow();
        Path firstBase = tmp.resolve("first-base.raw");
        run("qemu-img", "convert", "-f", "vpc", "-O", "raw", original.toString(), firstBase.toString());
        Path expectedFirst = tmp.resolve("expected-first.raw");
        Files.copy(s.initialRaw(), expectedFirst);
        replay(expectedFirst, log, 1);
        assertEquals(sha256sum(expectedFirst), sha256sum(firstBase),
                "the original file holds its content plus the writes made before the first snapshot, nothing else");
    }

    // --- the SR's files -------------------------------------------------------------------

    /** .vhd files other than the VDI's leaf and the other VDI whose footer says not hidden. */
    private static List<Path> visibleSnapshots(Setup s) throws IOException {
        return extra(s).stream().filter(p -> hidden(p) == 0).toList();
    }

    private static List<Path> hiddenBases(Setup s) throws IOException {
        return extra(s).stream().filter(p -> hidden(p) == 1).toList();
    }

    private static List<Path> extra(Setup s) throws IOException {
        try (Stream<Path> files = Files.list(s.sr())) {
            return files.filter(p -> !p.getFileName().toString().equals(VDI + ".vhd")
                    && !p.getFileName().toString().equals(OTHER + ".vhd")).sorted().toList();
        }
    }

    /** The hidden byte of the VHD footer (offset 85 of the footer copy at the end of the file). */
    private static int hidden(Path vhd) {
        try (RandomAccessFile f = new RandomAccessFile(vhd.toFile(), "r")) {
            f.seek(f.length() - 512 + 85);
            return f.read();
        } catch (IOException e) {
            return -1; // not a VHD: neither a snapshot nor a base, counted by the listing check
        }
    }

    private static Object inode(Path p) {
        try {
            return Files.getAttribute(p, "unix:ino");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String listing(Setup s) throws IOException {
        Map<String, Integer> m = new TreeMap<>();
        try (Stream<Path> files = Files.list(s.sr())) {
            files.forEach(p -> m.put(p.getFileName().toString(), hidden(p)));
        }
        return m.toString();
    }

    // --- third-party tools ---------------------------------------------------------------

    /** Replays the logged writes (those before the {@code segments}-th pause at most) onto a raw image with qemu-io. */
    private static void replay(Path raw, List<String[]> log, int segments) throws Exception {
        List<String> batch = new ArrayList<>();
        int pauses = 0;
        for (String[] w : log) {
            if (w[0].equals("P")) {
                if (++pauses >= segments) {
                    break;
                }
                continue;
            }
            batch.add("write -q -P " + w[3] + " " + w[1] + " " + w[2]);
            if (batch.size() == 400) {
                qemuIo(raw, batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            qemuIo(raw, batch);
        }
    }

    private static void qemuIo(Path raw, List<String> commands) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        cmd.add(raw.toString());
        run(cmd.toArray(new String[0]));
    }

    private static String sha256sum(Path file) throws Exception {
        return run("sha256sum", file.toString()).substring(0, 64);
    }

    /** Runs a tool; fails (never skips) when it is not installed. */
    private static String run(String... cmd) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin", cmd[0]))) {
            throw new AssertionError(cmd[0] + " is missing: apt-get install qemu-utils coreutils");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), cmd[0] + " timed out");
        assertEquals(0, p.exitValue(), cmd[0] + ": " + out);
        return out;
    }

    private static String state(Path ctl) throws IOException {
        Path f = ctl.resolve("state");
        return Files.exists(f) ? Files.readString(f).strip() : "";
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
