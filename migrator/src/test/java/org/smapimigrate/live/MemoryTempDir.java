package org.smapimigrate.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * {@code @TempDir(factory = MemoryTempDir.class)}: a temporary directory in {@code /dev/shm} where
 * there is one (else the default temporary directory), deleted by JUnit as any other. For the
 * crash-model tests, which run the engine hundreds of times: the pass journal forces every line to
 * disk ({@code FileChannel.force}), which on a busy disk costs most of their time, and on tmpfs
 * costs nothing; the code under test is the same.
 */
public final class MemoryTempDir implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "smapi-live-test-")
                : Files.createTempDirectory("smapi-live-test-");
    }
}
