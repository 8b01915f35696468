package org.smapimigrate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.smapimigrate.inventory.StorageRepository;

/** Decides what kind of SMAPIv1 SR the command-line arguments name, and opens it read-only. */
final class SourceRepositories {
    private SourceRepositories() {
    }

    static StorageRepository open(List<Path> args) throws IOException {
        throw new UserError("SR reading is not available yet");
    }

    static StorageRepository openVhdFile(Path file) throws IOException {
        throw new UserError("VHD reading is not available yet");
    }

    static String vdiOfFile(Path file) {
        return file.getFileName().toString();
    }
}
