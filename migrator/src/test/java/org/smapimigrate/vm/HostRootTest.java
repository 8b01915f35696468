package org.smapimigrate.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Host paths from XAPI (a PBD's device_config) never leave the host root. */
class HostRootTest {
    private final HostRoot root = HostRoot.of(Path.of("/tmp/host"));

    @Test
    void absolutePathsResolveUnderTheRoot() {
        assertEquals(Path.of("/tmp/host/dev/sdb"), root.resolve("/dev/sdb"));
        assertEquals(Path.of("/tmp/host/var/run/sr-mount/7d2f5c38-0c4e-4d8e-9a55-3b0d7e1f6a21"),
                root.srMount("7d2f5c38-0c4e-4d8e-9a55-3b0d7e1f6a21"));
        assertEquals(Path.of("/tmp/host/usr/libexec/xapi-storage-script"), root.pluginRoot());
        assertEquals(Path.of("/dev/sdb"), HostRoot.of(null).resolve("/dev/sdb"));
    }

    @Test
    void hostileValuesAreRefusedWithTheValueShownEscaped() {
        for (String bad : new String[] {"dev/sdb", "/dev/../etc/shadow", "/dev/./sdb", "/dev/sd\u001b[2Jb", "", "/a/b/.."}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> root.resolve(bad), bad);
            assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> root.srMount("../../etc"));
        assertThrows(IllegalArgumentException.class, () -> root.resolve(null));
    }
}
