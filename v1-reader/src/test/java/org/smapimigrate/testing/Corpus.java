package org.smapimigrate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.smapimigrate.disk.VirtualDisk;

/** The shared ground-truth corpus (../shared/corpus) and its manifest. */
public final class Corpus {
    private static final int CHUNK = 4 << 20;

    private Corpus() {
    }

    public static Path root() {
        String p = System.getProperty("smapi.corpus");
        if (p == null) {
            throw new IllegalStateException("system property smapi.corpus is not set (run through Maven)");
        }
        Path root = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("manifest.json"))) {
            throw new IllegalStateException("no corpus manifest under " + root);
        }
        return root;
    }

    public static JsonNode manifest() {
        try {
            return new ObjectMapper().readTree(root().resolve("manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path path(String relative) {
        return root().resolve(relative);
    }

    /** SHA-256 of a whole virtual disk, read in large chunks. */
    public static String sha256(VirtualDisk disk) throws IOException {
        MessageDigest md = digest();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        long size = disk.size();
        for (long pos = 0; pos < size; pos += CHUNK) {
            buf.clear().limit((int) Math.min(CHUNK, size - pos));
            disk.read(buf, pos);
            buf.flip();
            md.update(buf);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = new byte[1 << 16];
            int n;
            while ((n = in.read(b)) > 0) {
                md.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Hashes of every regular file under the given corpus subtrees, to prove tests never write them. */
    public static Map<String, String> fingerprint(String... subtrees) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (String sub : subtrees) {
            try (Stream<Path> s = Files.walk(path(sub))) {
                for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                    m.put(root().relativize(f).toString(), sha256(f) + "/" + Files.getLastModifiedTime(f));
                }
            }
        }
        return m;
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
