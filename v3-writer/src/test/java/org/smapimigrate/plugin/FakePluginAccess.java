package org.smapimigrate.plugin;

import java.io.IOException;
import java.nio.file.Path;

/** Lets tests in other packages write fake plugin scripts. */
public final class FakePluginAccess {
    private FakePluginAccess() {
    }

    public static Path script(Path dir, String name, String body) throws IOException {
        return FakePlugin.script(dir, name, body);
    }
}
