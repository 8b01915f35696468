package org.smapimigrate.dist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The jars of {@code lib/app}: the project's own modules (a classes directory or a module jar)
 * become {@code MODULE.jar} carrying {@code Implementation-Version}, which {@code --version}
 * prints; third-party jars are copied as they are.
 */
final class AppJars {
    private AppJars() {
    }

    /** Writes one jar per class path entry into {@code dir}; returns their names in class path order. */
    static List<String> write(List<Path> classpath, Path projectRoot, String version, Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        for (Path entry : classpath) {
            String name;
            if (entry.startsWith(projectRoot)) {
                name = moduleName(projectRoot, entry) + ".jar";
                try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(dir.resolve(name)))) {
                    putManifest(jar, version);
                    if (Files.isDirectory(entry)) {
                        addTree(jar, entry);
                    } else {
                        addJar(jar, entry);
                    }
                }
            } else if (entry.toString().contains("/org/smapimigrate/")) {
                throw new IOException(entry + " is a project module from the local repository, not from this "
                        + "checkout: build the release from the project root (or with -am)");
            } else {
                name = entry.getFileName().toString();
                Files.copy(entry, dir.resolve(name));
            }
            if (names.contains(name)) {
                throw new IOException("two class path entries make " + name + ": " + classpath);
            }
            names.add(name);
        }
        return names;
    }

    /** {@code ROOT/migrator/target/classes} and {@code ROOT/migrator/target/migrator-V.jar} are both "migrator". */
    static String moduleName(Path projectRoot, Path entry) {
        return projectRoot.relativize(entry).getName(0).toString();
    }

    /** The manifest first, as jar readers expect, with a fixed time so the same classes make the same jar. */
    private static void putManifest(JarOutputStream jar, String version) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_TITLE, "smapi-migrate");
        m.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        JarEntry entry = new JarEntry(JarFile.MANIFEST_NAME);
        entry.setTime(FIXED_TIME);
        jar.putNextEntry(entry);
        m.write(jar);
        jar.closeEntry();
    }

    private static final long FIXED_TIME = 315_532_800_000L + 86_400_000L; // 1980-01-02, the zip epoch

    private static void addTree(JarOutputStream jar, Path classes) throws IOException {
        try (Stream<Path> s = Files.walk(classes)) {
            for (Path p : s.sorted().toList()) {
                String name = classes.relativize(p).toString().replace('\\', '/');
                if (name.isEmpty() || name.equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                    continue;
                }
                JarEntry entry = new JarEntry(Files.isDirectory(p) ? name + "/" : name);
                entry.setTime(Files.getLastModifiedTime(p).toMillis()); // same input, same jar
                jar.putNextEntry(entry);
                if (!entry.isDirectory()) {
                    Files.copy(p, jar);
                }
                jar.closeEntry();
            }
        }
    }

    private static void addJar(JarOutputStream jar, Path source) throws IOException {
        try (JarFile in = new JarFile(source.toFile())) {
            for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                    continue;
                }
                JarEntry copy = new JarEntry(entry.getName());
                copy.setTime(entry.getTime());
                jar.putNextEntry(copy);
                try (InputStream data = in.getInputStream(entry)) {
                    data.transferTo(jar);
                }
                jar.closeEntry();
            }
        }
    }
}
