package org.smapimigrate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.lvhd.LvhdSr;
import org.smapimigrate.nbd.NbdDisk;

/** Decides what kind of SMAPIv1 SR the command-line arguments name, and opens it read-only. */
final class SourceRepositories {
    private SourceRepositories() {
    }

    /** A file SR directory, or the physical volumes of an LVM SR. */
    static StorageRepository open(List<Path> args) throws IOException {
        for (Path p : args) {
            if (!Files.exists(p)) {
                throw new UserError(p + ": no such file or directory");
            }
        }
        if (args.size() == 1 && Files.isDirectory(args.get(0))) {
            return FileSr.open(args.get(0));
        }
        for (Path p : args) {
            if (Files.isDirectory(p)) {
                throw new UserError(p + ": a file SR is one directory; LVM physical volumes are files or devices");
            }
        }
        return LvhdSr.open(args);
    }

    /**
     * Opens one VDI of the SR named by {@code args}. The returned disk keeps the SR's files open
     * and closes them with itself.
     */
    static VirtualDisk openVdi(List<Path> args, String vdi) throws IOException {
        StorageRepository sr = open(args);
        try {
            return new OwningDisk(sr.openVdi(vdi), sr);
        } catch (IOException | RuntimeException e) {
            sr.close();
            throw e;
        }
    }

    /**
     * An NBD export as a source (NBD_CMD_READ of what BLOCK_STATUS base:allocation calls data;
     * everything when the server offers no block status). nbds:// uses {@code tlsDir}.
     */
    static VirtualDisk openNbd(String uri, Path tlsDir) throws IOException {
        return NbdDisk.open(uri, tlsDir);
    }

    /** A VHD file with its chain; parents are looked up in its directory only. */
    static VirtualDisk openVhdFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such file");
        }
        return FileSr.openVhdFile(file);
    }
}
