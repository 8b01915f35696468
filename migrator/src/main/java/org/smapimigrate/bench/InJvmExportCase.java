package org.smapimigrate.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.FileSink;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;

/** Our chain reader and copy pipeline called in this JVM (what {@code export} does, without start-up). */
public final class InJvmExportCase implements BenchCase {
    private final BenchInput input;
    private final Path output;

    public InJvmExportCase(BenchInput input) {
        this.input = input;
        this.output = input.work().resolve("out-export.raw");
    }

    @Override
    public String name() {
        return "export";
    }

    @Override
    public Where where() {
        return Where.IN_JVM;
    }

    @Override
    public long dataBytes() {
        return input.data();
    }

    @Override
    public void reset() throws Exception {
        Files.deleteIfExists(output);
    }

    @Override
    public long run() throws Exception {
        try (VirtualDisk disk = FileSr.openVhdFile(input.vhd());
             FileSink sink = FileSink.createSparse(output, disk.size())) {
            DiskCopy.standard().copy(disk, sink, null);
        }
        return -1;
    }

    @Override
    public Path output() {
        return output;
    }
}
