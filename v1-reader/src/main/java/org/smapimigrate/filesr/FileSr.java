package org.smapimigrate.filesr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.smapimigrate.chain.OwnSectorsDisk;
import org.smapimigrate.chain.VhdChain;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.vhd.VhdImage;

/**
 * A file-based SMAPIv1 SR (ext, nfs, file, smb, ...): one directory of {@code <vdi-uuid>.vhd}
 * and {@code <vdi-uuid>.raw} files (doc smapiv1-layout part A). Read-only.
 */
public final class FileSr implements StorageRepository {
    private final Path directory;
    private final DirectoryParentResolver resolver;

    private FileSr(Path directory) throws IOException {
        this.resolver = new DirectoryParentResolver(directory);
        this.directory = resolver.root();
    }

    /** Opens the SR directory {@code srDirectory}. */
    public static FileSr open(Path srDirectory) throws IOException {
        if (!Files.isDirectory(srDirectory)) {
            throw new ImageDefectException("not-an-sr", srDirectory.toString(), -1, "not a directory");
        }
        return new FileSr(srDirectory);
    }

    /**
     * Opens a single VHD file with its chain, its directory standing for the SR directory (for
     * exporting one file).
     */
    public static VhdChain openVhdFile(Path file) throws IOException {
        Path real = file.toRealPath();
        return open(real.getParent()).openImage(real);
    }

    /** The SR directory (real path). */
    public Path directory() {
        return directory;
    }

    /** Resolves parents inside this SR directory only. */
    public DirectoryParentResolver resolver() {
        return resolver;
    }

    /**
     * Scans the directory: VDIs with structural roles, leftovers of interrupted SM operations,
     * and problems. A damaged image is reported, never fatal to the scan.
     */
    @Override
    public SrInventory inventory() throws IOException {
        return new FileSrScan(directory, resolver).run();
    }

    /**
     * Opens a VDI: the chain of {@code <uuid>.vhd}, or {@code <uuid>.raw} as it is.
     *
     * @throws ImageDefectException {@code no-such-vdi}, or the defect that makes its chain unreadable
     */
    @Override
    public VirtualDisk openVdi(String uuid) throws IOException {
        checkUuid(uuid);
        Path vhd = directory.resolve(uuid + ".vhd");
        if (Files.isRegularFile(vhd)) {
            return openImage(vhd);
        }
        Path raw = directory.resolve(uuid + ".raw");
        if (Files.isRegularFile(raw)) {
            return RawFileDisk.open(raw);
        }
        throw noSuchVdi(uuid);
    }

    /**
     * Opens {@code <uuid>.vhd} alone, or {@code <uuid>.raw} as a whole.
     *
     * @throws ImageDefectException {@code no-such-vdi}, or the defect that makes the image unreadable
     */
    @Override
    public VirtualDisk openOwnSectors(String uuid) throws IOException {
        checkUuid(uuid);
        Path vhd = directory.resolve(uuid + ".vhd");
        if (Files.isRegularFile(vhd)) {
            Path real = realInside(vhd);
            RawFileDisk container = RawFileDisk.open(real);
            try {
                return OwnSectorsDisk.of(VhdImage.open(container, real.toString()));
            } catch (IOException | RuntimeException e) {
                container.close();
                throw e;
            }
        }
        Path raw = directory.resolve(uuid + ".raw");
        if (Files.isRegularFile(raw)) {
            Path real = realInside(raw);
            return OwnSectorsDisk.ofRaw(RawFileDisk.open(real), real.toString());
        }
        throw noSuchVdi(uuid);
    }

    private void checkUuid(String uuid) throws ImageDefectException {
        if (uuid.isEmpty() || uuid.contains("/") || uuid.contains("\0") || uuid.equals(".") || uuid.equals("..")) {
            throw new ImageDefectException("no-such-vdi", directory.toString(), -1, "'" + uuid + "' is not a VDI uuid");
        }
    }

    private ImageDefectException noSuchVdi(String uuid) {
        return new ImageDefectException("no-such-vdi", directory.toString(), -1, "no VDI " + uuid
                + " (neither " + uuid + ".vhd nor " + uuid + ".raw)");
    }

    /** Opens any VHD file of the SR (a VDI, an {@code OLD_} or {@code .vhd.new} leftover) with its chain. */
    public VhdChain openImage(Path file) throws IOException {
        Path real = realInside(file);
        RawFileDisk container = RawFileDisk.open(real);
        VhdImage leaf = null;
        try {
            leaf = VhdImage.open(container, real.toString());
            return VhdChain.open(leaf, DirectoryParentResolver.keyOf(real), resolver);
        } catch (IOException | RuntimeException e) {
            container.close();
            throw e;
        }
    }

    /** The real path of {@code file}, refused when a link leads outside the SR directory. */
    private Path realInside(Path file) throws IOException {
        Path real = file.toRealPath();
        if (!real.startsWith(directory)) {
            throw new ImageDefectException("outside-sr", file.toString(), -1, "not inside the SR directory " + directory);
        }
        return real;
    }

    /** Holds nothing open. */
    @Override
    public void close() {
    }
}
