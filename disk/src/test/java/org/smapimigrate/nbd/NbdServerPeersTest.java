package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.disk.Extent;

/**
 * Our NBD server read by the real clients (libnbd's nbdinfo and nbdcopy, qemu-img), over TCP and
 * a UNIX socket: sizes, maps and bytes compared with a model disk written out by plain Java.
 */
class NbdServerPeersTest {
    private static final long SIZE = 40L << 20;
    private static ModelDisk model;
    private static Path expected;
    private static String expectedSha;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeModel() throws Exception {
        model = ModelDisk.random(SIZE, 11);
        expected = dir.resolve("expected.raw");
        model.writeTo(expected);
        expectedSha = sha256(expected);
    }

    @Test
    void nbdinfoSeesSizeAndTheModelsMapOverTcp() throws Exception {
        try (ServedExport s = ServedExport.tcp(model, "disk")) {
            checkInfoAndMap(s.uri());
        }
    }

    @Test
    void nbdinfoSeesSizeAndTheModelsMapOverUnixSocket() throws Exception {
        try (ServedExport s = ServedExport.unix(model, "disk", Files.createTempDirectory(dir, "u"))) {
            checkInfoAndMap(s.uri());
        }
    }

    static void checkInfoAndMap(String uri) throws Exception {
        String json = ThirdPartyTool.NBDINFO.runOk("--json", uri).stdout();
        assertEquals(Long.toString(SIZE), NbdinfoOutput.jsonField(json, "export-size"), json);
        assertEquals("true", NbdinfoOutput.jsonField(json, "is_read_only"), json);
        assertEquals("true", NbdinfoOutput.jsonField(json, "can_multi_conn"), json);
        List<BlockStatusExtent> map = NbdinfoOutput.map(ThirdPartyTool.NBDINFO.runOk("--map", uri).stdout());
        assertEquals(modelMap(), map);
    }

    /** The model's runs as base:allocation would state them, adjacent equal flags merged. */
    static List<BlockStatusExtent> modelMap() {
        return modelMapOf(model);
    }

    static List<BlockStatusExtent> modelMapOf(ModelDisk model) {
        List<BlockStatusExtent> out = new ArrayList<>();
        for (Extent e : model.map) {
            int flags = switch (e.kind()) {
                case DATA -> 0;
                case ZERO -> NbdProtocol.STATE_ZERO;
                case UNALLOCATED -> NbdProtocol.STATE_HOLE | NbdProtocol.STATE_ZERO;
            };
            NbdinfoOutput.merge(out, new BlockStatusExtent(e.offset(), e.length(), flags));
        }
        return out;
    }

    @Test
    void nbdcopyAndQemuImgCopyTheBytesReadingOnlyData() throws Exception {
        for (boolean unix : new boolean[] {false, true}) {
            try (ServedExport s = unix ? ServedExport.unix(model, "disk", Files.createTempDirectory(dir, "u"))
                    : ServedExport.tcp(model, "disk")) {
                long before = model.bytesRead.get();
                Path out = dir.resolve("nbdcopy.raw");
                ThirdPartyTool.NBDCOPY.runOk(s.uri(), out.toString());
                assertEquals(expectedSha, sha256(out), "nbdcopy over " + (unix ? "unix" : "tcp"));
                assertEquals(model.allocatedBytes(), model.bytesRead.get() - before,
                        "only allocated bytes are read (holes and zeros never)");
                Files.delete(out);
                Path q = dir.resolve("qemu.raw");
                ThirdPartyTool.QEMU_IMG.runOk("convert", "-f", "raw", "-O", "raw", s.uri(), q.toString());
                assertEquals(expectedSha, sha256(q), "qemu-img convert over " + (unix ? "unix" : "tcp"));
                Files.delete(q);
            }
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] b = new byte[1 << 20];
            int n;
            while ((n = in.read(b)) > 0) {
                md.update(b, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
