package org.smapimigrate.bench;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.FileSink;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.nbd.NbdDisk;
import org.smapimigrate.nbd.server.NbdExport;
import org.smapimigrate.nbd.server.NbdServer;
import org.smapimigrate.nbd.server.ServerEvents;
import org.smapimigrate.nbd.server.ServerSettings;

/**
 * The NBD cases of {@code bench}, both directions on the benchmark's dynamic VHD:
 * <ul>
 * <li>serve → nbdcopy: our server (as {@code smapi-migrate serve} runs it) read by nbdcopy on
 * a UNIX socket, next to qemu-nbd → nbdcopy on the same file;
 * <li>NBD source → export: qemu-nbd's export read through our NBD source into a raw file, next
 * to nbdcopy doing the same copy.
 * </ul>
 */
public final class NbdBench implements AutoCloseable {
    private final Path nbdcopy;
    private final VirtualDisk disk;
    private final NbdServer server;
    private final Path socket;

    /** Starts our server on {@code work/serve.sock} serving {@code vhd} as export "" (the only one). */
    public NbdBench(Path nbdcopy, Path vhd, Path work) throws IOException {
        this.nbdcopy = nbdcopy;
        this.socket = work.resolve("serve.sock");
        Files.deleteIfExists(socket);
        this.disk = FileSr.openVhdFile(vhd);
        try {
            this.server = NbdServer.start(UnixDomainSocketAddress.of(socket),
                    ServerSettings.of(List.of(new NbdExport("bench", "", disk))), ServerEvents.NONE);
        } catch (IOException | RuntimeException e) {
            disk.close();
            throw e;
        }
    }

    /** nbdcopy from our server into a fresh sparse file, as the qemu-nbd case does. */
    public void nbdcopyFromServe(Path out, long size) throws IOException, InterruptedException {
        FileSink.createSparse(out, size).close();
        ExternalTool.run(List.of(nbdcopy.toString(), "nbd+unix:///bench?socket=" + socket, out.toString()), null);
    }

    /** Our NBD source (block status, then reads of data only) copied into a raw file. */
    public static void exportFromNbd(String uri, Path out) throws IOException {
        try (NbdDisk source = NbdDisk.open(uri, null); FileSink sink = FileSink.createSparse(out, source.size())) {
            DiskCopy.standard().copy(source, sink, null);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        disk.close();
    }
}
