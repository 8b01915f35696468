package org.smapimigrate.filesr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
        Path vhd = fileInside(uuid + ".vhd");
        if (vhd != null) {
            return openImage(vhd);
        }
        Path raw = fileInside(uuid + ".raw");
        if (raw != null) {
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
        Path vhd = fileInside(uuid + ".vhd");
        if (vhd != null) {
            RawFileDisk container = RawFileDisk.open(vhd);
            try {
                return OwnSectorsDisk.of(VhdImage.open(container, vhd.toString()));
            } catch (IOException | RuntimeException e) {
                container.close();
                throw e;
            }
        }
        Path raw = fileInside(uuid + ".raw");
        if (raw != null) {
            return OwnSectorsDisk.ofRaw(RawFileDisk.open(raw), raw.toString());
        }
        throw noSuchVdi(uuid);
    }

    /**
     * The regular file {@code name} of the SR directory, links followed only while they stay
     * inside it; null when there is none.
     *
     * @throws ImageDefectException {@code outside-sr} when it is a link leading out of the SR
     */
    private Path fileInside(String name) throws ImageDefectException {
        ConfinedPath.Result r = ConfinedPath.resolve(directory, directory, name);
        if (r.outcome() == ConfinedPath.Outcome.ESCAPES) {
            throw new ImageDefectException("outside-sr", directory.resolve(name).toString(), -1,
                    "leads outside the SR directory " + directory + " (" + r.detail() + "); not read");
        }
        return r.outcome() == ConfinedPath.Outcome.INSIDE && Files.isRegularFile(r.path(), LinkOption.NOFOLLOW_LINKS)
                ? r.path() : null;
    }

    private void checkUuid(String uuid) throws ImageDefectException {
        if (uuid.isEmpty() || uuid.contains("/") || ConfinedPath.hasControlCharacters(uuid) || uuid.equals(".")
                || uuid.equals("..")) {
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

    /** The path of {@code file} inside the SR, free of links; refused when a link leads outside. */
    private Path realInside(Path file) throws IOException {
        if (!file.startsWith(directory)) {
            throw new ImageDefectException("outside-sr", file.toString(), -1, "not inside the SR directory " + directory);
        }
        ConfinedPath.Result r = ConfinedPath.resolve(directory, directory, directory.relativize(file).toString());
        if (r.outcome() != ConfinedPath.Outcome.INSIDE) {
            throw new ImageDefectException(r.outcome() == ConfinedPath.Outcome.ESCAPES ? "outside-sr" : "no-such-file",
                    file.toString(), -1, r.detail() + " (SR directory " + directory + ")");
        }
        return r.path();
    }

    /** Holds nothing open. */
    @Override
    public void close() {
    }
}
