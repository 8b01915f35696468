package org.smapimigrate.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * The LVHD corpus ({@code corpus/lvm-sr}): its manifest, and its PV image gunzipped once per
 * test JVM into a private temporary directory (the corpus itself is read-only).
 */
public final class LvmCorpus {
    private static Path image;
    private static JsonNode manifest;

    private LvmCorpus() {
    }

    public static Path dir() {
        String corpus = System.getProperty("smapi.corpus");
        assertNotNull(corpus, "system property smapi.corpus is not set (the root pom sets it)");
        return Path.of(corpus, "lvm-sr");
    }

    public static Path gz() {
        return dir().resolve("lvhd-thick-1pv.img.gz");
    }

    public static synchronized JsonNode manifest() {
        if (manifest == null) {
            try {
                manifest = new ObjectMapper().readTree(dir().resolve("manifest-lvm.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return manifest;
    }

    /** {@code srs[0]} of the manifest. */
    public static JsonNode sr() {
        return manifest().get("srs").get(0);
    }

    /** The uncompressed PV image, checked against the manifest's sha256. */
    public static synchronized Path image() throws IOException {
        if (image == null) {
            Path tmp = Files.createTempDirectory("smapi-lvm-corpus");
            Path out = tmp.resolve("lvhd-thick-1pv.img");
            gunzipSparse(gz(), out);
            out.toFile().setReadOnly();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.deleteIfExists(out);
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temp directory is only clutter
                }
            }));
            assertEquals(sr().get("pv_images").get(0).get("uncompressed_sha256").asText(), sha256(out),
                    "gunzipped corpus image");
            image = out;
        }
        return image;
    }

    /** Gunzips {@code gz} into {@code out}, leaving all-zero 64 KiB blocks as holes. */
    private static void gunzipSparse(Path gz, Path out) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 20);
             FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long pos = 0;
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                if (!isZero(buf, n)) {
                    ch.write(ByteBuffer.wrap(buf, 0, n), pos);
                }
                pos += n;
            }
            ch.truncate(pos);
            if (ch.size() < pos) {
                ch.write(ByteBuffer.allocate(1), pos - 1);
            }
        }
    }

    private static boolean isZero(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
