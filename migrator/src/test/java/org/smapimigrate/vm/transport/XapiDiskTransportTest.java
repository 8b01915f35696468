package org.smapimigrate.vm.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.xapi.XapiCredentials;
import org.smapimigrate.xapi.XapiEndpoint;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.standin.StandIns;
import org.smapimigrate.xapi.standin.XapiStandIn;
import org.smapimigrate.xapi.transport.TlsTrust;

/**
 * The remote transport against the XAPI stand-in (xapi test-jar), whose disk handlers do
 * format=vhd with qemu-img and whose SMAPIv3 SR is the bundled dirvol plugin, called for real
 * (VDI.create = Volume.create, VDI.snapshot = Volume.snapshot, SR.scan = SR.ls). A disk with two
 * snapshots lives on an ext SR as raw files; each copy's bytes are checked by SHA-256 of the
 * plugin's own volume file against the source file, an independent path from our digests.
 */
class XapiDiskTransportTest {
    static final int MIB = 1 << 20;
    static final long SIZE = 24L * MIB;

    @TempDir
    Path dir;
    XapiStandIn xapi;
    XapiSession session;
    String v3Sr;
    String v3SrUuid;
    Map<String, Path> sourceFiles = new TreeMap<>();
    Map<String, byte[]> sourceHashes = new TreeMap<>();
    List<DiskToMove> disks = new ArrayList<>();
    String disk;
    String snap1;
    String snap2;
    String other;

    @BeforeEach
    void start() throws IOException {
        // Tasks complete on their first read: the test is about the transport, not task polling.
        xapi = StandIns.pool(dir).taskSteps(1).start();
        session = XapiSession.login(XapiEndpoint.parse(xapi.url(), TlsTrust.caFile(StandIns.pki().poolCa().caPem())),
                XapiCredentials.resolve("root", null, Map.of("XAPI_PASSWORD", StandIns.PASSWORD)));
        Path plugin = StandIns.bundledPluginRoot().resolve("volume").resolve(StandIns.DIRVOL);
        v3Sr = xapi.createSmapiV3Sr(plugin, StandIns.DIRVOL, "v3 target", Files.createDirectories(dir.resolve("v3")));
        v3SrUuid = xapi.db().get("SR", v3Sr).path("uuid").asText();
        String ext = xapi.addSr("ext", "Local storage", Map.of("device", "/dev/sda3"), Map.of());
        Random r = new Random(12);
        // S1: data in blocks 0, 3 and a partial sector run in block 7. S2: block 3 rewritten, block 7
        // zeroed (data that disappears must disappear in the copy), block 9 new. The disk: block 0
        // changed, block 11 new (its last bytes). Another disk without snapshots, mostly a hole.
        Path s1 = write(dir.resolve("s1.raw"), r, new long[] {0, 3L * 2 * MIB, 7L * 2 * MIB + 4096}, null);
        Path s2 = write(dir.resolve("s2.raw"), r, new long[] {3L * 2 * MIB, 9L * 2 * MIB + 512}, s1);
        zero(s2, 7L * 2 * MIB + 4096, 300_000);
        Path d = write(dir.resolve("d.raw"), r, new long[] {100, SIZE - 300_000}, s2);
        Path o = write(dir.resolve("other.raw"), r, new long[] {5L * MIB}, null);
        String dRef = xapi.addVdi(ext, "app data", SIZE, d, Map.of("name_description", "the data disk"));
        String s1Ref = xapi.addVdi(ext, "app data (before upgrade)", SIZE, s1, Map.of("name_description", "first",
                "is_a_snapshot", true, "snapshot_of", dRef, "snapshot_time", "20260101T10:00:00Z"));
        String s2Ref = xapi.addVdi(ext, "app data", SIZE, s2, Map.of("is_a_snapshot", true, "snapshot_of", dRef,
                "snapshot_time", "20260201T10:00:00Z"));
        String oRef = xapi.addVdi(ext, "scratch", SIZE, o, Map.of("type", "system"));
        disk = uuid(dRef);
        snap1 = uuid(s1Ref);
        snap2 = uuid(s2Ref);
        other = uuid(oRef);
        sourceFiles.put(disk, d);
        sourceFiles.put(snap1, s1);
        sourceFiles.put(snap2, s2);
        sourceFiles.put(other, o);
        for (Map.Entry<String, Path> e : sourceFiles.entrySet()) {
            sourceHashes.put(e.getKey(), sha256(e.getValue()));
        }
        // The caller lists the disk before its snapshots on purpose: the transport orders them.
        disks.add(new DiskToMove(disk, "app data", "the data disk", SIZE, "user", false, null, null));
        disks.add(new DiskToMove(snap2, "app data", "", SIZE, "user", true, disk, "20260201T10:00:00Z"));
        disks.add(new DiskToMove(snap1, "app data (before upgrade)", "first", SIZE, "user", true, disk,
                "20260101T10:00:00Z"));
        disks.add(new DiskToMove(other, "scratch", "", SIZE, "system", false, null, null));
    }

    @AfterEach
    void stop() throws IOException {
        session.close();
        xapi.close();
    }

    @Test
    void aDiskWithTwoSnapshotsArrivesAsTheSameTreeWithTheSameBytes() throws IOException {
        JsonNode sourcesBefore = sourceRows();
        Events events = new Events();
        XapiDiskTransport transport = transport();
        Map<String, String> map = transport.move(disks, dir.resolve("state"), events);
        checkFinalState(map);
        assertEquals(sourcesBefore, sourceRows(), "source VDIs unchanged");
        assertEquals(map.keySet(), transport.digests().keySet());
        // The digest of a copy is that of the source's bytes, computed here by verify's own hasher on the file.
        try (var raw = org.smapimigrate.disk.RawFileDisk.open(sourceFiles.get(snap1))) {
            assertEquals(new org.smapimigrate.verify.DiskHasher().digest(raw).whole(), transport.digests().get(snap1));
        }
        checkNoSecretsUnder(dir.resolve("state"));
        assertTrue(events.bytes > 0, "progress reported bytes");
        assertTrue(events.notes.stream().anyMatch(n -> n.contains("blocks of 2 MiB differ")), events.notes.toString());

        // Run again with the same state: the same map, nothing new made.
        Set<String> before = targetVdis();
        XapiDiskTransport again = transport();
        assertEquals(map, again.move(disks, dir.resolve("state"), new Events()));
        assertEquals(before, targetVdis());
        assertEquals(transport.digests(), again.digests());
    }

    @Test
    void aboveTheVhdLimitTheDataGoesRawAndArrivesTheSame() throws IOException {
        // XAPI refuses format=vhd above 2040 GiB; a limit of 1 MiB sends these 24 MiB disks raw.
        Events events = new Events();
        Map<String, String> map = new XapiDiskTransport(session, v3SrUuid, 1 << 20).move(disks, dir.resolve("state"),
                events);
        checkFinalState(map);
        assertTrue(events.notes.stream().anyMatch(n -> n.contains("exported " + SIZE + " bytes as raw")),
                events.notes.toString());
        checkNoSecretsUnder(dir.resolve("state"));
    }

    @Test
    void aConnectionDroppedMidImportThenARerunGivesTheSameResult() throws IOException {
        // The 2nd import (the first snapshot's delta) loses its connection after 100 kB.
        xapi.faults().dropTransfer("import_raw_vdi", 2, 100_000);
        RemoteTransportException e = assertThrows(RemoteTransportException.class,
                () -> transport().move(disks, dir.resolve("state"), new Events()));
        checkOneLineWithoutSecrets(e.getMessage());
        assertTrue(e.getMessage().contains(snap2) && e.getMessage().contains("import_raw_vdi"), e.getMessage());
        // What is on the target meanwhile is not complete and says so.
        for (String uuid : targetVdis()) {
            JsonNode oc = xapi.db().get("VDI", xapi.db().refOfUuid("VDI", uuid).orElseThrow()).path("other_config");
            boolean finished = uuid.equals(snapshotCopyOf(snap1));
            assertEquals(!finished, oc.has(XapiDiskTransport.INCOMPLETE_KEY), uuid + " " + oc);
        }
        // The re-run also goes through a 302 to a pool member (the PUT body is sent again there).
        xapi.redirectTransfersToMember(0);
        Map<String, String> map = transport().move(disks, dir.resolve("state"), new Events());
        xapi.redirectTransfersToMember(-1);
        checkFinalState(map);
        checkNoSecretsUnder(dir.resolve("state"));
    }

    @Test
    void aVdiCreateWhoseAnswerIsLostLeavesNothingBehind() throws IOException {
        // VDI.create happened but the client never learnt the new VDI's uuid (as after a kill).
        List<DiskToMove> one = disks.subList(3, 4);
        xapi.faults().failOnCall("VDI.get_uuid", 1, "INTERNAL_ERROR", "injected");
        RemoteTransportException e = assertThrows(RemoteTransportException.class,
                () -> transport().move(one, dir.resolve("state"), new Events()));
        checkOneLineWithoutSecrets(e.getMessage());
        assertTrue(e.getMessage().contains("INTERNAL_ERROR"), e.getMessage());
        assertEquals(1, targetVdis().size(), "the half-made VDI is still there until the re-run");
        checkFinalState(transport().move(one, dir.resolve("state"), new Events()));
    }

    @Test
    void killedAtEveryStepThenRerunEndsInTheSameState() throws IOException {
        // The disk and its two snapshots. Each run is stopped right after the first step (a note)
        // that has not been a kill point yet, then run again, until a run gets to its end: every
        // step has been a kill point once, wherever a resumed run starts.
        List<DiskToMove> chain = disks.subList(0, 3);
        Path state = dir.resolve("state");
        Set<String> killedAt = new HashSet<>();
        int k = 1;
        Map<String, String> map = null;
        while (map == null) {
            Events killer = new Events();
            killer.killedAt = killedAt;
            try {
                map = transport().move(chain, state, killer);
            } catch (Killed expected) {
                k++; // as SIGKILL would: nothing after that step runs
            }
            assertTrue(k < 100, "no progress: " + killedAt);
        }
        assertTrue(k - 1 >= 10, "at least 10 kill points, had " + (k - 1));
        checkFinalState(map);
    }

    // ---- checks ----

    /** The copies of the disks in {@code map} (all four, or the chain, or the lone disk) are right and alone on the target. */
    void checkFinalState(Map<String, String> map) throws IOException {
        assertTrue(Set.of(Set.of(disk, snap1, snap2, other), Set.of(disk, snap1, snap2), Set.of(other))
                .contains(map.keySet()), map.keySet().toString());
        assertEquals(map.size(), new HashSet<>(map.values()).size());
        assertEquals(new HashSet<>(map.values()), targetVdis(), "exactly one VDI per source on the target, no leftovers");
        for (Map.Entry<String, String> e : map.entrySet()) {
            String ref = xapi.db().refOfUuid("VDI", e.getValue()).orElseThrow();
            assertArrayEquals(sourceHashes.get(e.getKey()), sha256(xapi.vdiData(ref)),
                    "bytes of the copy of " + e.getKey() + " (the plugin's volume file)");
            assertArrayEquals(sourceHashes.get(e.getKey()), sha256(sourceFiles.get(e.getKey())), "source unchanged");
            JsonNode oc = xapi.db().get("VDI", ref).path("other_config");
            assertEquals(e.getKey(), oc.path(XapiDiskTransport.SOURCE_KEY).asText());
            assertFalse(oc.has(XapiDiskTransport.INCOMPLETE_KEY), oc.toString());
        }
        // A scan rewrites names and snapshot fields from the volumes: what survives it is carried.
        session.call("SR.scan", v3Sr);
        if (map.containsKey(other)) {
            JsonNode o = row(map.get(other));
            assertEquals("system", o.path("type").asText());
            assertEquals("scratch", o.path("name_label").asText());
            assertFalse(o.path("is_a_snapshot").asBoolean());
        }
        if (!map.containsKey(disk)) {
            return;
        }
        JsonNode d = row(map.get(disk));
        JsonNode s1 = row(map.get(snap1));
        JsonNode s2 = row(map.get(snap2));
        String dRef = xapi.db().refOfUuid("VDI", map.get(disk)).orElseThrow();
        assertEquals("app data", d.path("name_label").asText());
        assertEquals("the data disk", d.path("name_description").asText());
        assertFalse(d.path("is_a_snapshot").asBoolean());
        assertEquals("app data (before upgrade)", s1.path("name_label").asText());
        assertEquals("first", s1.path("name_description").asText());
        assertEquals("app data", s2.path("name_label").asText());
        for (JsonNode s : List.of(s1, s2)) {
            assertTrue(s.path("is_a_snapshot").asBoolean(), s.toString());
            assertEquals(dRef, s.path("snapshot_of").asText());
            assertEquals(SIZE, s.path("virtual_size").asLong());
            // Not carried: a snapshot on the target has the time it was taken.
            assertNotEquals("20260101T10:00:00Z", s.path("snapshot_time").asText());
        }
        assertTrue(s1.path("snapshot_time").asText().compareTo(s2.path("snapshot_time").asText()) <= 0,
                "older snapshot taken first");
    }

    void checkNoSecretsUnder(Path state) throws IOException {
        try (var files = Files.walk(state)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(session.sessionRef()) || text.contains("OpaqueRef:"), "a ref in " + f);
                assertFalse(text.contains(StandIns.PASSWORD), "the password in " + f);
            }
        }
        try (var files = Files.list(state.resolve("xapi-transport"))) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".spool")), "spool files removed");
        }
    }

    void checkOneLineWithoutSecrets(String message) {
        assertFalse(message.contains("\n") || message.contains("\r"), message);
        assertFalse(message.contains(session.sessionRef()), "session ref in: " + message);
        assertFalse(message.contains(StandIns.PASSWORD), message);
        assertFalse(message.contains("session_id=OpaqueRef"), message);
        assertTrue(message.startsWith("remote transport, VDI "), message);
    }

    // ---- helpers ----

    XapiDiskTransport transport() {
        return new XapiDiskTransport(session, v3SrUuid);
    }

    String uuid(String ref) {
        return xapi.db().get("VDI", ref).path("uuid").asText();
    }

    JsonNode row(String uuid) {
        return xapi.db().get("VDI", xapi.db().refOfUuid("VDI", uuid).orElseThrow());
    }

    void destroy(String ref) {
        try {
            session.call("VDI.destroy", ref);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The copy of a snapshot, if made: the target VDI whose other_config names it. */
    String snapshotCopyOf(String source) {
        for (String uuid : targetVdis()) {
            JsonNode oc = row(uuid).path("other_config");
            if (source.equals(oc.path(XapiDiskTransport.SOURCE_KEY).asText()) && row(uuid).path("is_a_snapshot").asBoolean()) {
                return uuid;
            }
        }
        return null;
    }

    Set<String> targetVdis() {
        Set<String> out = new HashSet<>();
        for (JsonNode v : xapi.db().get("SR", v3Sr).path("VDIs")) {
            out.add(xapi.db().get("VDI", v.asText()).path("uuid").asText());
        }
        return out;
    }

    JsonNode sourceRows() {
        com.fasterxml.jackson.databind.node.ObjectNode rows = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode();
        for (String uuid : sourceFiles.keySet()) {
            rows.set(uuid, row(uuid).deepCopy());
        }
        return rows;
    }

    /** A sparse raw file of SIZE bytes: a copy of {@code base} (or holes) with 200 kB of random data at each offset. */
    static Path write(Path file, Random r, long[] offsets, Path base) throws IOException {
        if (base != null) {
            Process p = new ProcessBuilder("cp", "--sparse=always", base.toString(), file.toString()).inheritIO().start();
            try {
                assertEquals(0, p.waitFor());
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.truncate(SIZE);
            if (ch.size() < SIZE) {
                ch.write(ByteBuffer.allocate(1), SIZE - 1);
            }
            for (long at : offsets) {
                byte[] b = new byte[(int) Math.min(200_000, SIZE - at)];
                r.nextBytes(b);
                ch.write(ByteBuffer.wrap(b), at);
            }
        }
        return file;
    }

    static void zero(Path file, long at, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(length), at);
        }
    }

    static byte[] sha256(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), md));
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Thrown by {@link Events} to stop a run at a chosen step, the way a kill would. */
    static final class Killed extends RuntimeException {
        Killed(int k) {
            super("killed after step " + k);
        }
    }

    static final class Events implements TransportEvents {
        final List<String> notes = new ArrayList<>();
        long bytes;
        /** When set: stop at the first note not in it (and add it). */
        Set<String> killedAt;

        @Override
        public void progress(String sourceVdiUuid, long done, long total) {
            bytes = Math.max(bytes, done);
        }

        @Override
        public void note(String line) {
            assertFalse(line.contains("OpaqueRef"), line);
            notes.add(line);
            if (killedAt != null && killedAt.add(line)) {
                throw new Killed(killedAt.size());
            }
        }
    }
}
