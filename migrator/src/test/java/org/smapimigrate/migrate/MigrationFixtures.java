package org.smapimigrate.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.plugin.PluginRoot;

/** Corpus look-ups, hashing and fake plugin trees shared by the migration tests. */
final class MigrationFixtures {
    static final String CORPUS_SR = "b0fca227-5603-4f8a-b1be-036360633f13";
    static final String RAW_VDI = "db391a5a-ed94-4fd3-b178-6fe9c35fb3a6";

    private MigrationFixtures() {
    }

    static Path corpus() {
        return Path.of(System.getProperty("smapi.corpus"));
    }

    static Path corpusSrDir() {
        return corpus().resolve("file-sr").resolve(CORPUS_SR);
    }

    /** expected_sha256 of a VDI of the corpus file SR, from the corpus manifest. */
    static String expectedSha256(String vdi) throws IOException {
        JsonNode m = new ObjectMapper().readTree(corpus().resolve("manifest.json").toFile());
        for (JsonNode e : m.get("entries")) {
            if (vdi.equals(e.path("vdi_uuid").asText()) && e.path("path").asText().contains(CORPUS_SR)) {
                return e.get("expected_sha256").asText();
            }
        }
        throw new IllegalStateException("no manifest entry for " + vdi);
    }

    static Path bundledRootPath() {
        return Path.of(System.getProperty("smapi.root"), "examples", "xapi-storage-script");
    }

    static PluginRoot bundledRoot() {
        return new PluginRoot(bundledRootPath(), Duration.ofSeconds(60));
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Plain SHA-256 of a whole disk, read in 1 MiB pieces (independent of the verify module). */
    static String sha256(VirtualDisk disk) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 20);
        for (long pos = 0; pos < disk.size(); ) {
            buf.clear().limit((int) Math.min(buf.capacity(), disk.size() - pos));
            disk.read(buf, pos);
            buf.flip();
            pos += buf.remaining();
            md.update(buf);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Copies a plugin directory, symlinks kept as symlinks (cp -a), so tests can alter the copy. */
    static void copyPlugin(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try {
            Process p = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IOException("cp -a " + from + " " + to + " failed");
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    static void script(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * A plugin tree whose volume plugin is the bundled one (linked) and whose datapath
     * {@code raw+file} is a set of fake scripts that log each call's name to {@code log}; every
     * method answers {@code null} unless {@code overrides} gives it a body
     * ({@code method=body} pairs).
     */
    static Path fakeDatapathTree(Path dir, Path log, String... overrides) throws IOException {
        Path root = dir.resolve("plugins");
        Files.createDirectories(root.resolve("volume"));
        copyPlugin(bundledRootPath().resolve("volume").resolve(BundledPluginRoot.VOLUME_PLUGIN),
                root.resolve("volume").resolve(BundledPluginRoot.VOLUME_PLUGIN));
        Path dp = root.resolve("datapath").resolve("raw+file");
        String logLine = "echo \"$(basename \"$0\")\" >> '" + log + "'; cat >/dev/null; ";
        for (String m : new String[] {"Plugin.Query", "Datapath.open", "Datapath.attach", "Datapath.activate",
                "Datapath.deactivate", "Datapath.detach", "Datapath.close"}) {
            String body = "echo null";
            boolean present = true;
            for (String o : overrides) {
                String[] kv = o.split("=", 2);
                if (kv[0].equals(m)) {
                    body = kv[1];
                    present = !body.equals("MISSING");
                }
            }
            if (present) {
                script(dp.resolve(m), logLine + body);
            } else {
                Files.createDirectories(dp);
            }
        }
        return root;
    }
}
