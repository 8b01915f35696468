package org.smapimigrate.datapath;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.disk.DeviceSize;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.disk.FileSink;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.nbd.NbdDisk;
import org.smapimigrate.nbd.NbdException;
import org.smapimigrate.nbd.NbdSink;
import org.smapimigrate.nbd.NbdUri;
import org.smapimigrate.plugin.Backend;
import org.smapimigrate.plugin.DatapathPlugin;
import org.smapimigrate.plugin.Implementation;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;

/**
 * A volume made reachable in dom0 through its datapath plugin, the way XAPI does it
 * (interface doc sections 2 and 5): the datapath is the first volume URI whose scheme has a
 * {@code datapath/<scheme>} directory, then {@code attach} (which returns the
 * implementations) and {@code activate}. {@link #close()} always runs {@code deactivate}
 * and {@code detach}, the second even when the first failed, because activation is
 * exclusive and a leaked one blocks the volume. Every attachment here is of a persistent disk,
 * and xapi-storage-script calls {@code Datapath.open}/{@code close} only for non-persistent ones
 * on datapaths that advertise NONPERSISTENT ({@code vdi_epoch_begin}/{@code vdi_epoch_end},
 * main.ml; issue 10), so neither is called: two plugin processes fewer per attachment.
 */
public final class VolumeAttachment implements Closeable {
    private final DatapathPlugin datapath;
    private final String uri;
    private final String domain;
    private final Backend backend;
    private final long volumeSize;
    private boolean closed;

    private VolumeAttachment(DatapathPlugin datapath, String uri, String domain, Backend backend, long volumeSize) {
        this.datapath = datapath;
        this.uri = uri;
        this.domain = domain;
        this.backend = backend;
        this.volumeSize = volumeSize;
    }

    /**
     * The domain string XAPI uses for a dom0 attachment: {@code "u0_" + dp} with every '/' and
     * '-' replaced by '_' ({@code domain_of}, xapi-storage-script main.ml).
     */
    public static String dom0Domain(String dp) {
        return "u0_" + dp.replace('/', '_').replace('-', '_');
    }

    /** The URI XAPI's {@code choose_datapath} would pick: the first whose scheme has a datapath. */
    public static String chooseUri(PluginRoot root, Volume volume) throws IOException {
        for (String u : volume.uri()) {
            if (root.hasDatapath(Volume.schemeOf(u))) {
                return u;
            }
        }
        throw new NoUsableImplementationException("volume " + volume.describe() + ": none of its URIs "
                + volume.uri() + " has a datapath plugin in " + root.path().resolve("datapath"));
    }

    /**
     * Opens, attaches and activates {@code volume} (as returned by Volume.stat, whose URIs are the
     * ones to trust) for {@code domain}. On failure, whatever was done is undone before throwing.
     */
    public static VolumeAttachment attach(PluginRoot root, Volume volume, String domain) throws IOException {
        String uri = chooseUri(root, volume);
        DatapathPlugin dp = root.datapathPlugin(Volume.schemeOf(uri));
        Backend backend = null;
        boolean activated = false;
        try {
            backend = dp.attach(uri, domain);
            dp.activate(uri, domain);
            activated = true;
            return new VolumeAttachment(dp, uri, domain, backend, volume.virtualSize());
        } catch (IOException | RuntimeException e) {
            if (!activated) {
                release(dp, uri, domain, backend != null, e);
            }
            throw e;
        }
    }

    public String uri() {
        return uri;
    }

    public String domain() {
        return domain;
    }

    /** The datapath's URI scheme (its directory name). */
    public String scheme() {
        return datapath.scheme();
    }

    public Backend backend() {
        return backend;
    }

    /**
     * The implementation this tool uses: a {@code File}, else a {@code BlockDevice}, else an
     * {@code Nbd} export (XenDisk needs a Xen backend and is never used here).
     */
    public Implementation implementation() throws NoUsableImplementationException {
        for (Class<? extends Implementation> kind : List.of(Implementation.File.class,
                Implementation.BlockDevice.class, Implementation.Nbd.class)) {
            var found = backend.first(kind);
            if (found.isPresent()) {
                return found.get();
            }
        }
        List<String> tags = new ArrayList<>();
        backend.implementations().forEach(i -> tags.add(i.tag()));
        throw new NoUsableImplementationException("datapath " + scheme() + " offered " + tags + " for " + uri
                + "; smapi-migrate needs File, BlockDevice or Nbd");
    }

    /**
     * A sink writing the first {@code size} bytes of the volume.
     *
     * @param readsAsZero true when the volume is known to read as zeros where not written (a
     *                    volume just created as a sparse file); the copy then leaves holes alone
     */
    public DiskSink openSink(long size, boolean readsAsZero) throws IOException {
        Implementation impl = implementation();
        if (impl instanceof Implementation.Nbd nbd) {
            // Zero runs become NBD WRITE_ZEROES: cheap on the server, and right whatever it held.
            return NbdSink.open(nbd.uri(), size);
        }
        Path path = pathOf(impl);
        long have = DeviceSize.of(path, volumeSize);
        if (have < size) {
            throw new IOException(path + ": the attached volume has " + have + " bytes, the disk needs " + size);
        }
        return FileSink.open(path, have, readsAsZero && impl instanceof Implementation.File);
    }

    /** A read-only view of the first {@code size} bytes of the volume, for verification. */
    public VirtualDisk openReader(long size) throws IOException {
        Implementation impl = implementation();
        if (impl instanceof Implementation.Nbd nbd) {
            NbdDisk disk = NbdDisk.open(nbd.uri());
            if (disk.size() < size) {
                disk.close();
                throw new IOException(disk.describe() + ": the NBD export has " + disk.size() + " bytes, expected "
                        + size);
            }
            return new PrefixDisk(disk, size);
        }
        Path path = pathOf(impl);
        long have = DeviceSize.of(path, volumeSize);
        if (have < size) {
            throw new IOException(path + ": the attached volume has " + have + " bytes, expected " + size);
        }
        // Holes of the volume read as zeros: the read-back reads what it holds, not its size.
        return RawFileDisk.openSkippingHoles(path, size);
    }

    /** A description of what is attached, for reports: {@code File /path}. */
    public String describeImplementation() throws NoUsableImplementationException {
        Implementation impl = implementation();
        if (impl instanceof Implementation.Nbd n) {
            try {
                return "Nbd " + NbdUri.parse(n.uri()).describe(); // export names may carry session ids
            } catch (NbdException e) {
                return "Nbd (unparsable uri)";
            }
        }
        return impl.tag() + " " + pathOf(impl);
    }

    private static Path pathOf(Implementation impl) {
        return Path.of(impl instanceof Implementation.File f ? f.path() : ((Implementation.BlockDevice) impl).path());
    }

    /** Deactivates and detaches, attempting both; the first failure is thrown. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        try {
            datapath.deactivate(uri, domain);
        } catch (IOException e) {
            first = e;
        }
        first = release(datapath, uri, domain, true, first);
        if (first != null) {
            throw first;
        }
    }

    /** detach (when attached); a failure is added to {@code pending} or returned. */
    private static IOException release(DatapathPlugin dp, String uri, String domain, boolean attached,
                                       Exception pending) {
        IOException first = pending instanceof IOException io ? io : null;
        List<IOException> failures = new ArrayList<>();
        if (attached) {
            try {
                dp.detach(uri, domain);
            } catch (IOException e) {
                failures.add(e);
            }
        }
        for (IOException f : failures) {
            if (pending != null) {
                pending.addSuppressed(f);
            } else if (first == null) {
                first = f;
            } else {
                first.addSuppressed(f);
            }
        }
        return first;
    }
}
