package org.smapimigrate.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A third-party program (or two in a row), run as its users run it. */
public final class ToolCase implements BenchCase {
    private final String name;
    private final long data;
    private final List<List<String>> commands;
    private final Path stdoutTo;
    private final Path output;

    /**
     * @param stdoutTo where the first command's standard output goes (cat), or null
     * @param output   the raw image written, compared with qemu-img's, or null
     */
    public ToolCase(String name, long data, List<List<String>> commands, Path stdoutTo, Path output) {
        this.name = name;
        this.data = data;
        this.commands = commands;
        this.stdoutTo = stdoutTo;
        this.output = output;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Where where() {
        return Where.TOOL;
    }

    @Override
    public long dataBytes() {
        return data;
    }

    @Override
    public void reset() throws Exception {
        if (stdoutTo != null) {
            Files.deleteIfExists(stdoutTo);
        }
        if (output != null) {
            Files.deleteIfExists(output);
        }
    }

    @Override
    public long run() throws Exception {
        for (int i = 0; i < commands.size(); i++) {
            ExternalTool.run(commands.get(i), i == 0 ? stdoutTo : null);
        }
        return -1;
    }

    @Override
    public Path output() {
        return output;
    }
}
