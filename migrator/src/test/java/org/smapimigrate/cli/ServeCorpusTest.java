package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.nbd.TestCertificates;
import org.smapimigrate.nbd.ThirdPartyTool;
import org.smapimigrate.testing.Corpus;

/**
 * {@code smapi-migrate serve} on every readable VDI of the corpus manifest, read by clients
 * nobody here wrote: nbdinfo (size, --map), nbdcopy and qemu-img convert must give the
 * manifest's SHA-256 over TCP and a UNIX socket, with TLS and without. Every VDI is read each
 * way; the slower checks (qemu-img, --map) run on TCP, where they are not a transport question.
 *
 * <p>The map is checked against the bytes (the verified copy must be zero wherever nbdinfo
 * reports zeros) and, for single dynamic VHDs, against qemu-img map of the file: what we call
 * data qemu must call allocated (we are finer: sector bitmaps, where qemu sees whole blocks).
 */
class ServeCorpusTest {
    private static final String[] TREES = {"file-sr", "broken", "dialects"};
    private static Map<String, String> before;
    private static Path certs;

    @TempDir
    static Path dir;

    /** A readable manifest entry: served from the file SR by uuid, or as a VHD file. */
    record Entry(String id, Path file, String export, boolean inSr, String sha, long size, boolean singleDynamic) {
    }

    private static final List<Entry> ENTRIES = new ArrayList<>();
    private static Path fileSr;

    @BeforeAll
    static void setUp() throws Exception {
        before = Corpus.fingerprint(TREES);
        certs = TestCertificates.create(dir.resolve("pki"));
        for (JsonNode e : Corpus.manifest().get("entries")) {
            if (e.path("expected_outcome").asText("").startsWith("error: ")) {
                continue;
            }
            Path file = Corpus.path(e.has("file") ? e.get("file").asText() : e.get("path").asText());
            String name = file.getFileName().toString().replaceAll("\\.(vhd|raw)$", "");
            // A leftover such as OLD_<uuid>.vhd is no VDI of the SR: serve it as a file.
            boolean inSr = e.get("kind").asText().startsWith("file-sr") && name.matches("[0-9a-f-]{36}");
            if (inSr) {
                fileSr = file.getParent();
            }
            boolean single = e.path("facts").path("disk_type").asText().equals("dynamic")
                    && e.path("depth").asInt(1) <= 1 && file.toString().endsWith(".vhd");
            ENTRIES.add(new Entry(e.get("id").asText(), file, name, inSr, e.get("expected_sha256").asText(),
                    e.get("virtual_size").asLong(), single));
        }
        assertTrue(ENTRIES.size() >= 20, "readable manifest entries: " + ENTRIES.size());
    }

    @AfterAll
    static void corpusUnchanged() throws Exception {
        assertEquals(before, Corpus.fingerprint(TREES), "serve modified the corpus");
    }

    /** Two serve processes: the file SR (every readable VDI) and the other VHD files. */
    private interface Check {
        void run(Entry e, String uri) throws Exception;
    }

    private void everyEntry(boolean tls, boolean unix, Check check) throws Exception {
        List<String> srArgs = new ArrayList<>(List.of("--sr", fileSr.toString()));
        List<String> fileArgs = new ArrayList<>();
        for (Entry e : ENTRIES) {
            if (!e.inSr()) {
                fileArgs.add(e.file().toString());
            }
        }
        int srCount = (int) ENTRIES.stream().filter(Entry::inSr).count();
        for (List<String> source : List.of(srArgs, fileArgs)) {
            List<String> args = new ArrayList<>(source);
            Path sock = Files.createTempDirectory(dir, "s").resolve("serve.sock");
            args.addAll(unix ? List.of("--unix", sock.toString()) : List.of("--listen", "127.0.0.1:0"));
            if (tls) {
                args.addAll(List.of("--tls-certs", certs.toString()));
            }
            boolean sr = source == srArgs;
            int expectedExports = sr ? srCount : fileArgs.size();
            try (ServeProcess serve = ServeProcess.start(dir, expectedExports, args.toArray(new String[0]))) {
                assertEquals(expectedExports, serve.uris.size(), serve.uris.toString());
                for (String uri : serve.uris) {
                    assertTrue(uri.startsWith(tls ? (unix ? "nbds+unix://" : "nbds://") : (unix ? "nbd+unix://" : "nbd://")), uri);
                }
                for (Entry e : ENTRIES) {
                    if (e.inSr() == sr) {
                        String uri = serve.uri(e.export());
                        check.run(e, tls ? uri + (uri.contains("?") ? "&" : "?") + "tls-certificates=" + certs : uri);
                    }
                }
                assertEquals(0, serve.stop(), "serve exits 0 on SIGTERM:\n" + serve.stderr());
                String log = serve.stderr();
                assertTrue(log.lines().anyMatch(l -> l.startsWith("smapi-migrate: serve: ") && l.contains("export=")),
                        "one line per connection:\n" + log);
                if (tls) {
                    assertTrue(log.lines().filter(l -> l.contains("export=") && !l.contains("export=-"))
                            .allMatch(l -> l.contains(" tls ")), log);
                }
            }
        }
    }

    @Test
    void plainTcpNbdinfoMapNbdcopyAndQemuImg() throws Exception {
        everyEntry(false, false, (e, uri) -> {
            String json = ThirdPartyTool.NBDINFO.runOk("--json", uri).stdout();
            JsonNode info = new ObjectMapper().readTree(json).get("exports").get(0);
            assertEquals(e.size(), info.get("export-size").asLong(), e.id());
            Path out = nbdcopy(e, uri);
            checkMap(e, ThirdPartyTool.NBDINFO.runOk("--map", uri).stdout(), out);
            Files.delete(out);
            qemuImg(e, uri, List.of());
        });
    }

    @Test
    void plainUnixSocketNbdcopyAndQemuImg() throws Exception {
        everyEntry(false, true, (e, uri) -> {
            Files.delete(nbdcopy(e, uri));
            qemuImg(e, uri, List.of());
        });
    }

    @Test
    void tlsTcpNbdcopyNbdinfoAndQemuImgWithTlsCreds() throws Exception {
        everyEntry(true, false, (e, uri) -> {
            Path out = nbdcopy(e, uri);
            checkMap(e, ThirdPartyTool.NBDINFO.runOk("--map", uri).stdout(), out);
            Files.delete(out);
            // qemu 7.2 has no nbds:// (docs/nbd-protocol.md §4): the same export through --image-opts.
            String hostPort = uri.substring("nbds://".length(), uri.indexOf('/', "nbds://".length()));
            String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
            String port = hostPort.substring(hostPort.lastIndexOf(':') + 1);
            Path q = dir.resolve("qemu-tls.raw");
            ThirdPartyTool.QEMU_IMG.runOk("convert", "--object", "tls-creds-x509,id=tls0,endpoint=client,dir=" + certs,
                    "--image-opts", "driver=nbd,server.type=inet,server.host=" + host + ",server.port=" + port
                            + ",export=" + e.export() + ",tls-creds=tls0", "-O", "raw", q.toString());
            assertEquals(e.sha(), Corpus.sha256(q), e.id() + " via qemu-img with TLS");
            Files.delete(q);
        });
    }

    @Test
    void tlsUnixSocketNbdcopy() throws Exception {
        everyEntry(true, true, (e, uri) -> Files.delete(nbdcopy(e, uri)));
    }

    /** 32 nbdcopy clients at once (each opening several connections) against one serve. */
    @Test
    void thirtyTwoParallelNbdcopyClientsGetTheRightHashes() throws Exception {
        Entry big = ENTRIES.stream().filter(Entry::inSr).max(java.util.Comparator.comparingLong(Entry::size)).orElseThrow();
        try (ServeProcess serve = ServeProcess.start(dir, 1, "--sr", fileSr.toString(), "--vdi", big.export(),
                "--listen", "127.0.0.1:0")) {
            List<Process> copies = new ArrayList<>();
            List<Path> outs = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                Path out = dir.resolve("parallel-" + i + ".raw");
                outs.add(out);
                copies.add(new ProcessBuilder(ThirdPartyTool.NBDCOPY.path(), serve.uris.get(0), out.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("parallel-" + i + ".log").toFile()).start());
            }
            for (int i = 0; i < 32; i++) {
                assertTrue(copies.get(i).waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "nbdcopy " + i + " hung");
                assertEquals(0, copies.get(i).exitValue(), Files.readString(dir.resolve("parallel-" + i + ".log")));
                assertEquals(big.sha(), Corpus.sha256(outs.get(i)), "client " + i);
                Files.delete(outs.get(i));
            }
            assertEquals(0, serve.stop());
            assertTrue(serve.stderr().lines().filter(l -> l.contains("NBD_CMD_DISC")).count() >= 32, serve.stderr());
        }
    }

    private static Path nbdcopy(Entry e, String uri) throws Exception {
        Path out = dir.resolve("nbdcopy.raw");
        Files.deleteIfExists(out);
        ThirdPartyTool.NBDCOPY.runOk(uri, out.toString());
        assertEquals(e.sha(), Corpus.sha256(out), e.id() + " via nbdcopy " + uri);
        return out;
    }

    private static void qemuImg(Entry e, String uri, List<String> extra) throws Exception {
        Path q = dir.resolve("qemu.raw");
        List<String> args = new ArrayList<>(List.of("convert", "-f", "raw", "-O", "raw"));
        args.addAll(extra);
        args.add(uri);
        args.add(q.toString());
        ThirdPartyTool.QEMU_IMG.runOk(args.toArray(new String[0]));
        assertEquals(e.sha(), Corpus.sha256(q), e.id() + " via qemu-img " + uri);
        Files.delete(q);
    }

    /**
     * nbdinfo --map covers the disk without gaps; every range it reports as zero reads as zeros
     * in the verified copy; for a single dynamic VHD, every data range is allocated for qemu too.
     */
    private static void checkMap(Entry e, String map, Path verifiedCopy) throws Exception {
        long at = 0;
        List<long[]> data = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(verifiedCopy)) {
            for (String line : map.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                long off = Long.parseLong(f[0]);
                long len = Long.parseLong(f[1]);
                int type = Integer.parseInt(f[2]);
                assertEquals(at, off, e.id() + ": map has a gap or overlap at " + at);
                if ((type & 2) != 0) {
                    assertAllZero(ch, off, len, e.id());
                } else {
                    data.add(new long[] {off, off + len});
                }
                at = off + len;
            }
        }
        assertEquals(e.size(), at, e.id() + ": map covers the disk");
        if (e.singleDynamic()) {
            JsonNode qemu = new ObjectMapper().readTree(
                    ThirdPartyTool.QEMU_IMG.runOk("map", "-f", "vpc", "--output=json", e.file().toString()).stdout());
            for (long[] d : data) {
                for (JsonNode q : qemu) {
                    long qs = q.get("start").asLong();
                    long qe = qs + q.get("length").asLong();
                    long from = Math.max(d[0], qs);
                    long to = Math.min(d[1], qe);
                    if (from < to) {
                        assertTrue(q.get("data").asBoolean(), e.id() + ": we report data at [" + from + ", " + to
                                + ") where qemu-img map reports none: " + q);
                    }
                }
            }
        }
    }

    private static void assertAllZero(FileChannel ch, long off, long len, String id) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 20);
        for (long p = off; p < off + len; ) {
            b.clear().limit((int) Math.min(b.capacity(), off + len - p));
            while (b.hasRemaining()) {
                if (ch.read(b, p + b.position()) < 0) {
                    break;
                }
            }
            b.flip();
            while (b.hasRemaining()) {
                if (b.get() != 0) {
                    throw new AssertionError(id + ": nbdinfo --map says zero at [" + off + ", " + (off + len)
                            + ") but byte " + (p + b.position() - 1) + " is not");
                }
            }
            p += b.limit();
        }
    }
}
