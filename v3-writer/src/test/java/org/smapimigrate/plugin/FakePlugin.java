package org.smapimigrate.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes small shell scripts as plugin method executables, for tests of misbehaving plugins. */
final class FakePlugin {
    private FakePlugin() {
    }

    /** Writes {@code dir/name} as an executable {@code #!/bin/sh} script with {@code body}. */
    static Path script(Path dir, String name, String body) throws IOException {
        Files.createDirectories(dir);
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
