package org.smapimigrate.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.smapimigrate.examples.ExampleFileSr;

/**
 * {@code lib/smapi-migrate.jsa}: a static AppCDS archive of the classes the tool loads, made by
 * the bundled runtime. Training runs of the launcher on the bundled example record the classes
 * each command loads ({@code -XX:DumpLoadedClassList}); the runtime then dumps them all into one
 * archive ({@code -Xshare:dump}).
 *
 * <p>Static rather than dynamic ({@code -XX:ArchiveClassesAtExit}): JDK 17 leaves classes of
 * class file version 49 out of dynamic archives, and picocli's are version 49, so a dynamic
 * archive would leave out the library every command starts with. Both runs go through the
 * launcher, so the archive is made for exactly the class path the launcher gives.
 */
final class CdsArchive {
    static final String ARCHIVE = "lib/smapi-migrate.jsa";

    private CdsArchive() {
    }

    static void make(Path home, Path training) throws IOException, InterruptedException {
        Files.createDirectories(training);
        String sr = home.resolve("examples/file-sr").resolve(ExampleFileSr.SR_UUID).toString();
        String vdi = ExampleFileSr.VM_DISK;
        // What people run first, each in its own JVM. 'migrate --plan' of the whole example SR is
        // left out: it spends twenty seconds in plugin processes and loads few classes of its own.
        List<List<String>> runs = List.of(
                List.of("--help"),
                List.of("scan", sr),
                List.of("export", "-q", sr + "/" + vdi + ".vhd", "-o", "export.raw"),
                List.of("plan", "--sr", sr, "--target-sr", training.resolve("v3-plan").toString(), "-o", "plan.json",
                        "--report", "report.html"),
                List.of("migrate", "--sr", sr, "--vdi", vdi, "--target-sr", training.resolve("v3").toString()));
        Set<String> classes = new LinkedHashSet<>();
        for (int i = 0; i < runs.size(); i++) {
            Path list = training.resolve("run" + i + ".classlist");
            long t0 = System.nanoTime();
            launcher(home, training, "-XX:DumpLoadedClassList=" + list, runs.get(i));
            System.out.printf(Locale.ROOT, "[release]         training %.1f s: %s%n", (System.nanoTime() - t0) / 1e9,
                    String.join(" ", runs.get(i)));
            for (String line : Files.readAllLines(list)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    // Newer JDKs number the classes of each list ("name id: 784"); the numbers of
                    // separate runs clash, and only classes of custom loaders need them.
                    classes.add(line.replaceFirst(" id: \\d+$", ""));
                }
            }
        }
        Path all = training.resolve("all.classlist");
        Files.write(all, classes);
        launcher(home, training, "-Xshare:dump -XX:SharedClassListFile=" + all + " -XX:SharedArchiveFile="
                + home.resolve(ARCHIVE), List.of());
        // Proof that the launcher's class path matches the archive: -Xshare:on refuses to start otherwise.
        launcher(home, training, "-Xshare:on", List.of("--version"));
    }

    private static String launcher(Path home, Path dir, String javaOpts, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve(Launcher.PATH).toString());
        command.addAll(args);
        return Processes.run(command, dir, Map.of("SMAPI_MIGRATE_JAVA_OPTS", javaOpts));
    }
}
