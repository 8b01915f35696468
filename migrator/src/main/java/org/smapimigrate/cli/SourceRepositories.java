package org.smapimigrate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.inventory.StorageRepository;

/** Decides what kind of SMAPIv1 SR the command-line arguments name, and opens it read-only. */
final class SourceRepositories {
    private SourceRepositories() {
    }

    /** A file SR directory, or the physical volumes of an LVM SR. */
    static StorageRepository open(List<Path> args) throws IOException {
        throw new UserError("SR inventory is not available yet");
    }

    /** Opens one VDI of the SR named by {@code args}. */
    static VirtualDisk openVdi(List<Path> args, String vdi) throws IOException {
        if (args.size() == 1 && Files.isDirectory(args.get(0))) {
            return FileSr.open(args.get(0)).openVdi(vdi);
        }
        throw new UserError("LVM SRs are not available yet");
    }

    /** A VHD file with its chain; parents are looked up in its directory only. */
    static VirtualDisk openVhdFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such file");
        }
        return FileSr.openVhdFile(file);
    }
}
