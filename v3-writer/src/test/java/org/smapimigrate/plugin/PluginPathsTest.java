package org.smapimigrate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a plugin returns is checked before it is used as a path: implementations, URI schemes, names. */
class PluginPathsTest {

    private static Implementation parse(String json) throws IOException {
        return PluginJson.mapper().readValue(json, Implementation.class);
    }

    @Test
    void fileAndBlockDevicePathsMustBeAbsoluteAndClean() throws IOException {
        assertEquals(new Implementation.File("/srv/v3/vol.raw"), parse("[\"File\", {\"path\": \"/srv/v3/vol.raw\"}]"));
        for (String bad : new String[] {"vol.raw", "../../etc/shadow", "", "/dev/sd\\u0000a", "/srv/\\u001b[31m"}) {
            for (String tag : new String[] {"File", "BlockDevice"}) {
                String json = "[\"" + tag + "\", {\"path\": \"" + bad + "\"}]";
                MismatchedInputException e = assertThrows(MismatchedInputException.class, () -> parse(json), json);
                assertTrue(e.getOriginalMessage().contains("path must be absolute"), e.getOriginalMessage());
            }
        }
    }

    @Test
    void aSchemeOrNameCannotClimbOutOfThePluginTree(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("datapath").resolve("file"));
        Files.createDirectories(root.resolve("volume").resolve("org.example.vol"));
        PluginRoot plugins = new PluginRoot(root, Duration.ofSeconds(5));
        assertTrue(plugins.hasDatapath("file"));
        for (String scheme : new String[] {"..", ".", "", "a/b", "fi\u0000le", "1file", "file\n"}) {
            assertFalse(plugins.hasDatapath(scheme), scheme);
            assertThrows(IOException.class, () -> plugins.datapathPlugin(scheme));
        }
        plugins.volumePlugin("org.example.vol");
        for (String name : new String[] {"..", ".", "", "../volume/org.example.vol", "org\u0000x", "\u001b[2J"}) {
            assertThrows(IOException.class, () -> plugins.volumePlugin(name), name);
        }
    }
}
