package org.smapimigrate.dist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** {@code bin/smapi-migrate}: the shell script that starts the bundled runtime (smapi-migrate.sh). */
final class Launcher {
    static final String PATH = "bin/smapi-migrate";

    private Launcher() {
    }

    static void write(Path home, String version, List<String> jars) throws IOException {
        String template;
        try (InputStream in = Launcher.class.getResourceAsStream("smapi-migrate.sh")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String jar : jars) {
            if (!jar.matches("[A-Za-z0-9._+-]+\\.jar")) {
                throw new IOException("jar name unsafe in a shell word list: " + jar);
            }
        }
        Path script = home.resolve(PATH);
        Files.createDirectories(script.getParent());
        Files.writeString(script, template.replace("@VERSION@", version).replace("@JARS@", String.join(" ", jars)));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
