package org.smapimigrate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.smapimigrate.disk.FileSink;

/** nbdcopy from qemu-nbd serving the VHD read-only, into a fresh sparse raw file. */
public final class NbdcopyCase implements BenchCase {
    private final BenchInput input;
    private final Path socket;
    private final Path output;
    private Process server;

    public NbdcopyCase(BenchInput input) {
        this.input = input;
        this.socket = input.work().resolve("qemu-nbd.sock");
        this.output = input.work().resolve("out-nbdcopy.raw");
    }

    @Override
    public String name() {
        return "nbdcopy";
    }

    @Override
    public Where where() {
        return Where.TOOL;
    }

    @Override
    public long dataBytes() {
        return input.data();
    }

    @Override
    public void setUp() throws Exception {
        Path qemuNbd = ExternalTool.require("qemu-nbd", "qemu-utils");
        ExternalTool.require("nbdcopy", "libnbd-bin");
        server = new ProcessBuilder(qemuNbd.toString(), "-t", "-r", "-f", "vpc", "-k", socket.toString(),
                input.vhd().toString()).redirectErrorStream(true)
                .redirectOutput(input.work().resolve("qemu-nbd.log").toFile()).start();
        for (int i = 0; i < 500 && !Files.exists(socket); i++) {
            if (!server.isAlive()) {
                throw new IOException("qemu-nbd exited " + server.exitValue() + " before serving the input");
            }
            Thread.sleep(20);
        }
        if (!Files.exists(socket)) {
            throw new IOException("qemu-nbd did not create " + socket + " within 10 s");
        }
    }

    @Override
    public void reset() throws Exception {
        // nbdcopy writes into an existing file as it finds it: give it a fresh sparse one.
        Files.deleteIfExists(output);
        FileSink.createSparse(output, input.size()).close();
    }

    @Override
    public long run() throws Exception {
        ExternalTool.run(List.of(ExternalTool.require("nbdcopy", "libnbd-bin").toString(),
                "nbd+unix:///?socket=" + socket, output.toString()), null);
        return -1;
    }

    @Override
    public Path output() {
        return output;
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.destroy();
            server.waitFor();
        }
    }
}
