package org.smapimigrate.serve;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.smapimigrate.disk.Closing;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.nbd.NbdUri;
import org.smapimigrate.nbd.server.NbdExport;

/**
 * The VDIs {@code smapi-migrate serve} offers: one NBD export per VDI, named by its uuid, each
 * the VDI's whole chain opened read-only (the SR's files are never opened for writing, so a
 * {@code migrate} of the same SR can run meanwhile).
 */
public final class ServedVdis implements Closeable {
    private final List<NbdExport> exports;
    private final List<Closeable> open;

    private ServedVdis(List<NbdExport> exports, List<Closeable> open) {
        this.exports = List.copyOf(exports);
        this.open = open;
    }

    /**
     * The named VDIs of {@code sr}, or every readable one when {@code uuids} is empty (the
     * unreadable ones are reported to {@code skipped} and left out). Takes ownership of {@code sr}.
     */
    public static ServedVdis fromSr(StorageRepository sr, List<String> uuids, Consumer<String> skipped)
            throws IOException {
        List<NbdExport> exports = new ArrayList<>();
        List<Closeable> open = new ArrayList<>();
        try {
            List<String> wanted = new ArrayList<>(uuids);
            if (wanted.isEmpty()) {
                SrInventory inv = sr.inventory();
                for (VdiEntry v : inv.vdis()) {
                    if (v.readable()) {
                        wanted.add(v.uuid());
                    } else {
                        skipped.accept(v.uuid() + ": not served, its chain cannot be read exactly (see 'smapi-migrate scan')");
                    }
                }
            }
            for (String uuid : wanted) {
                VirtualDisk disk = sr.openVdi(uuid);
                open.add(disk);
                exports.add(new NbdExport(uuid, "SMAPIv1 VDI " + uuid + " (" + disk.describe() + ")", disk));
            }
            open.add(sr);
            if (exports.isEmpty()) {
                throw new IOException("the SR has no readable VDI to serve");
            }
            return new ServedVdis(exports, open);
        } catch (IOException | RuntimeException e) {
            open.add(sr);
            closeQuietly(open, e);
            throw e;
        }
    }

    /** Opens one VHD file (with its chain) read-only. */
    public interface VhdOpener {
        VirtualDisk open(Path file) throws IOException;
    }

    /** VHD files, each under {@link #exportNameFor}; names must differ. */
    public static ServedVdis files(List<Path> vhdFiles, VhdOpener opener) throws IOException {
        List<NbdExport> exports = new ArrayList<>();
        List<Closeable> open = new ArrayList<>();
        try {
            for (Path f : vhdFiles) {
                String name = exportNameFor(f);
                if (exports.stream().anyMatch(e -> e.name().equals(name))) {
                    throw new IOException(f + ": a second file would be served as '" + name
                            + "'; serve files with different names");
                }
                VirtualDisk disk = opener.open(f);
                open.add(disk);
                exports.add(new NbdExport(name, disk.describe(), disk));
            }
            return new ServedVdis(exports, open);
        } catch (IOException | RuntimeException e) {
            closeQuietly(open, e);
            throw e;
        }
    }

    /** The export name for a VHD file: its file name without {@code .vhd} (the VDI uuid in a file SR). */
    public static String exportNameFor(Path vhdFile) {
        String n = vhdFile.getFileName().toString();
        return n.endsWith(".vhd") ? n.substring(0, n.length() - 4) : n;
    }

    public List<NbdExport> exports() {
        return exports;
    }

    /** The URI a client uses for {@code export} on a server listening at {@code address}. */
    public static String uri(SocketAddress address, String export, boolean tls) {
        if (address instanceof UnixDomainSocketAddress u) {
            return NbdUri.unix(u.getPath(), export, tls).describe();
        }
        InetSocketAddress a = (InetSocketAddress) address;
        return NbdUri.tcp(a.getAddress().getHostAddress(), a.getPort(), export, tls).describe();
    }

    private static void closeQuietly(List<Closeable> open, Exception failure) {
        try {
            Closing.closeAll(open);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public void close() throws IOException {
        Closing.closeAll(open);
    }
}
