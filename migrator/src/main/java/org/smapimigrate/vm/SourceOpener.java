package org.smapimigrate.vm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.smapimigrate.inventory.StorageRepository;

/** Opens a SMAPIv1 SR read-only from its directory or its LVM PVs (the CLI's one definition of that). */
@FunctionalInterface
public interface SourceOpener {
    StorageRepository open(List<Path> paths) throws IOException;
}
