package org.smapimigrate.dist;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds {@code smapi-migrate-VERSION-linux-x86_64.tar.gz}: a jlink-trimmed Java runtime, the
 * tool's jars, a CDS archive made by that runtime, the {@code bin/smapi-migrate} launcher, the
 * examples and the README. Unpacked anywhere, it runs with no JDK installed.
 *
 * <p>Run by Maven (exec-maven-plugin, phase process-test-classes) with the tool's runtime class
 * path as its own: reactor {@code target/classes} directories under {@code mvn test}, module jars
 * under {@code mvn package}; either becomes a jar in {@code lib/app}.
 */
public final class ReleaseBuilder {
    private ReleaseBuilder() {
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        List<Path> classpath = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e).toAbsolutePath().normalize();
            if (!e.isEmpty() && !p.equals(o.builderClasses)) {
                classpath.add(p);
            }
        }
        Path tarball = build(o.root, o.version, o.jdk, classpath, o.out);
        System.out.printf(Locale.ROOT, "[release] %s (%.1f MiB)%n", tarball, Files.size(tarball) / 1048576.0);
    }

    /** Builds the tarball in {@code out} and returns its path; the unpacked tree stays in out/release. */
    public static Path build(Path root, String version, Path jdk, List<Path> classpath, Path out) throws Exception {
        String name = "smapi-migrate-" + version;
        Path staging = out.resolve("release");
        Tree.delete(staging);
        Path home = Files.createDirectories(staging.resolve(name));
        Step step = new Step();

        List<String> jars = AppJars.write(classpath, root, version, Files.createDirectories(home.resolve("lib/app")));
        step.done("jars: " + jars.size() + " in lib/app");

        RuntimeImage runtime = RuntimeImage.forJars(jdk, home.resolve("lib/app"), out.resolve("jdeps-cache"));
        step.done("jdeps: modules " + String.join(",", runtime.modules()) + " (kept for the same jars)");
        runtime.link(out.resolve("runtime-image"), home.resolve("runtime"));
        step.done("jlink: runtime for " + runtime.javaVersion() + " (reused when modules and JDK are unchanged)");

        Tree.copy(root.resolve("examples"), home.resolve("examples"));
        Files.copy(root.resolve("README.md"), home.resolve("README.md"));
        Launcher.write(home, version, jars);
        step.done("launcher and examples");

        CdsArchive.make(home, staging.resolve("training"));
        step.done("CDS archive: " + Files.size(home.resolve(CdsArchive.ARCHIVE)) / 1048576 + " MiB");

        Path tarball = out.resolve(name + "-linux-x86_64.tar.gz");
        Files.deleteIfExists(tarball);
        Processes.run(List.of("tar", "-C", staging.toString(), "--owner=0", "--group=0", "--numeric-owner",
                "-czf", tarball.toString(), name), null, null);
        step.done("tar.gz");
        return tarball;
    }

    /** Prints how long each step took, so the cost of the release in the build stays visible. */
    private static final class Step {
        private long last = System.nanoTime();

        void done(String what) {
            long now = System.nanoTime();
            System.out.printf(Locale.ROOT, "[release] %5.1f s  %s%n", (now - last) / 1e9, what);
            last = now;
        }
    }

    private record Options(String version, Path root, Path jdk, Path builderClasses, Path out) {
        static Options parse(String[] args) {
            String version = null;
            Path root = null;
            Path jdk = Path.of(System.getProperty("java.home"));
            Path builder = null;
            Path out = null;
            for (int i = 0; i + 1 < args.length; i += 2) {
                String v = args[i + 1];
                switch (args[i]) {
                    case "--version" -> version = v;
                    case "--root" -> root = Path.of(v).toAbsolutePath().normalize();
                    case "--jdk" -> jdk = Path.of(v);
                    case "--builder-classes" -> builder = Path.of(v).toAbsolutePath().normalize();
                    case "--out" -> out = Path.of(v).toAbsolutePath().normalize();
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (version == null || root == null || out == null) {
                throw new IllegalArgumentException(
                        "usage: ReleaseBuilder --version V --root DIR --out DIR [--jdk JDK] [--builder-classes DIR]");
            }
            return new Options(version, root, jdk, builder, out);
        }
    }
}
