package org.smapimigrate.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The Java runtime bundled in the tarball: the JDK's modules the jars need (found by jdeps),
 * linked by that JDK's jlink without debug symbols, headers or man pages, and compressed.
 */
final class RuntimeImage {
    /**
     * Modules jdeps cannot see because they are reached through service loading: the elliptic-curve
     * provider TLS needs for ECDHE/ECDSA (XAPI over HTTPS).
     */
    static final List<String> SERVICE_MODULES = List.of("jdk.crypto.ec");
    static final List<String> JLINK_OPTIONS = List.of("--strip-debug", "--no-header-files", "--no-man-pages",
            "--compress=2");
    private final Path jdk;
    private final List<String> modules;

    private RuntimeImage(Path jdk, List<String> modules) {
        this.jdk = jdk;
        this.modules = modules;
    }

    /**
     * The modules the jars need. All of them go on jdeps' module path: the libraries that are
     * modules (Jackson, picocli, progressbar) are judged by their module descriptors, so what
     * they require only {@code static} (Jackson's java.desktop and java.sql extras) stays out;
     * the plain jars (ours, jline) become automatic modules judged by their classes.
     */
    static RuntimeImage forJars(Path jdk, Path jarDir, Path cache) throws IOException, InterruptedException {
        // jdeps reads every class (ten seconds here): its answer is kept for the same jars and JDK.
        String key = contentKey(jdk, jarDir);
        Path cached = cache.resolve("jdeps-" + key + ".txt");
        if (Files.isRegularFile(cached)) {
            return new RuntimeImage(jdk, List.of(Files.readString(cached).strip().split(",")));
        }
        List<String> command = List.of(jdk.resolve("bin/jdeps").toString(), "--multi-release", "17",
                "--ignore-missing-deps", "--print-module-deps", "--module-path", jarDir.toString(),
                "--add-modules", "ALL-MODULE-PATH");
        String out = Processes.run(command, null, null).strip();
        String last = out.lines().reduce((a, b) -> b).orElse("");
        TreeSet<String> modules = new TreeSet<>(List.of(last.split(",")));
        modules.addAll(SERVICE_MODULES);
        if (!modules.contains("java.base")) {
            throw new IOException("jdeps printed no module list: " + out);
        }
        Files.createDirectories(cache);
        Files.writeString(cached, String.join(",", modules));
        return new RuntimeImage(jdk, List.copyOf(modules));
    }

    /** SHA-256 over the JDK's release file and every jar's name and bytes. */
    private static String contentKey(Path jdk, Path jarDir) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(jdk.resolve("release")));
            try (Stream<Path> jars = Files.list(jarDir)) {
                for (Path jar : jars.sorted().toList()) {
                    sha.update(jar.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                    sha.update(Files.readAllBytes(jar));
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> modules() {
        return modules;
    }

    String javaVersion() throws IOException {
        return Files.readAllLines(jdk.resolve("release")).stream().filter(l -> l.startsWith("JAVA_VERSION="))
                .findFirst().orElse("JAVA_VERSION=?").substring("JAVA_VERSION=".length()).replace("\"", "");
    }

    /**
     * Links the image into {@code target}. jlink with --compress=2 is most of the release's build
     * time, so the last image is kept in {@code cache} and reused while the JDK, the module list
     * and the options are the same.
     */
    void link(Path cache, Path target) throws IOException, InterruptedException {
        Path keyFile = cache.resolveSibling(cache.getFileName() + ".key");
        String key = String.join("\n", Files.readString(jdk.resolve("release")), String.join(",", modules),
                String.join(" ", JLINK_OPTIONS));
        if (!Files.isRegularFile(keyFile) || !Files.readString(keyFile).equals(key)
                || !Files.isExecutable(cache.resolve("bin/java"))) {
            Files.deleteIfExists(keyFile);
            Tree.delete(cache);
            List<String> command = new ArrayList<>(List.of(jdk.resolve("bin/jlink").toString()));
            if (Files.isDirectory(jdk.resolve("jmods"))) {
                // A JDK 24+ built with JEP 493 has no jmods and links from its own run-time image.
                command.addAll(List.of("--module-path", jdk.resolve("jmods").toString()));
            }
            command.addAll(List.of("--add-modules", String.join(",", modules)));
            command.addAll(JLINK_OPTIONS);
            command.addAll(List.of("--output", cache.toString()));
            Processes.run(command, null, null);
            Files.writeString(keyFile, key);
        }
        Tree.copy(cache, target);
    }
}
