package org.smapimigrate.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * nbdcopy reading our NBD server ({@code smapi-migrate serve}'s server, in this JVM) serving the
 * VHD on a UNIX socket: the peer of {@link NbdcopyCase}, which reads the same file from qemu-nbd.
 */
public final class ServeNbdcopyCase implements BenchCase {
    private final BenchInput input;
    private final Path output;
    private NbdBench bench;

    public ServeNbdcopyCase(BenchInput input) {
        this.input = input;
        this.output = input.work().resolve("out-serve-nbdcopy.raw");
    }

    @Override
    public String name() {
        return "serve>nbdcopy";
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
    public void setUp() throws Exception {
        bench = new NbdBench(ExternalTool.require("nbdcopy", "libnbd-bin"), input.vhd(), input.work());
    }

    @Override
    public void reset() throws Exception {
        Files.deleteIfExists(output);
    }

    @Override
    public long run() throws Exception {
        bench.nbdcopyFromServe(output, input.size());
        return -1;
    }

    @Override
    public Path output() {
        return output;
    }

    @Override
    public void close() throws Exception {
        if (bench != null) {
            bench.close();
        }
    }
}
