package org.smapimigrate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code smapi-migrate ARGS} as a child process (start-up, class loading and JIT included), in a
 * directory of its own that is emptied before every run; peak RSS from GNU time.
 */
public class ProcessCase implements BenchCase {
    private final String name;
    private final long data;
    private final SmapiMigrateProcess smapi;
    protected final Path dir;
    private final String outputSuffix;

    /**
     * @param dir          the child's working directory, emptied before every run; arguments
     *                     name their outputs inside it
     * @param outputSuffix the raw image the run leaves in {@code dir/out} is the one file there
     *                     ending so (".raw"), compared with qemu-img's; null: not compared
     */
    public ProcessCase(String name, long data, SmapiMigrateProcess smapi, Path dir, String outputSuffix) {
        this.name = name;
        this.data = data;
        this.smapi = smapi;
        this.dir = dir;
        this.outputSuffix = outputSuffix;
    }

    /** The arguments of one run. */
    protected List<String> arguments() {
        throw new UnsupportedOperationException("a ProcessCase names its arguments");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Where where() {
        return Where.PROCESS;
    }

    @Override
    public long dataBytes() {
        return data;
    }

    @Override
    public void reset() throws Exception {
        WorkFiles.deleteTree(dir);
        Files.createDirectories(dir.resolve("out"));
    }

    @Override
    public long run() throws Exception {
        return smapi.run(arguments(), dir, dir.resolve("log.txt")).maxRssBytes();
    }

    /** The child's output directory, for the arguments. */
    protected Path out() {
        return dir.resolve("out");
    }

    protected SmapiMigrateProcess smapi() {
        return smapi;
    }

    @Override
    public Path output() {
        if (outputSuffix == null) {
            return null;
        }
        try {
            List<Path> found = WorkFiles.endingWith(out(), outputSuffix);
            return found.size() == 1 ? found.get(0) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code export VHD -o out/export.raw}. */
    public static ProcessCase export(BenchInput input, SmapiMigrateProcess smapi) {
        return new ProcessCase("export", input.data(), smapi, input.work().resolve("process-export"), ".raw") {
            @Override
            protected List<String> arguments() {
                return List.of("export", "-q", input.vhd().toString(), "-o", out().resolve("export.raw").toString());
            }
        };
    }

    /** {@code migrate --sr SR --vdi UUID --target-sr out}: the bundled SMAPIv3 SR, created fresh each run. */
    public static ProcessCase migrate(BenchInput input, SmapiMigrateProcess smapi) {
        return new MigrateCase(input, smapi);
    }
}
