package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.xapi.standin.StandIns;
import org.smapimigrate.xapi.standin.XapiStandIn;

/**
 * LiveXapiSource from the options 'migrate --mode live' shares with the VM migration (--xapi,
 * --xapi-ca, --xapi-password-file, --vm), against the stand-in: the one VM's disks in userdevice
 * order; a missing, ambiguous or absent --vm is a one-line usage error.
 */
class LiveXapiSourceTest {
    @TempDir
    Path dir;

    private static VmOptions options(XapiStandIn x, Path pw, List<String> vms) {
        VmOptions o = new VmOptions();
        o.xapi = new XapiOptions();
        o.xapi.url = x.url();
        o.xapi.user = "root";
        o.xapi.passwordFile = pw;
        o.xapi.caFile = StandIns.pki().poolCa().caPem();
        o.vms = vms;
        return o;
    }

    @Test
    void theOneVmAndItsDisks() throws Exception {
        try (XapiStandIn x = StandIns.pool(dir).start()) {
            Path pw = Files.writeString(dir.resolve("pw"), StandIns.PASSWORD + "\n");
            String sr = x.addSr("ext", "Local storage", Map.of(), Map.of());
            String a = x.addVdi(sr, "a", 1 << 20, null, Map.of());
            String b = x.addVdi(sr, "b", 1 << 20, null, Map.of());
            String vm = x.addVm("web", Map.of("power_state", "Running", "resident_on", x.masterRef()));
            x.addVbd(vm, b, "1", Map.of("currently_attached", true));
            x.addVbd(vm, a, "0", Map.of("currently_attached", true));
            x.addVbd(vm, null, "3", Map.of("type", "CD", "mode", "RO"));
            x.addVm("twin", Map.of());
            x.addVm("twin", Map.of());
            try (LiveXapiSource s = LiveXapiSource.open(options(x, pw, List.of("web")))) {
                assertEquals(List.of(x.db().get("VDI", a).path("uuid").asText(), x.db().get("VDI", b).path("uuid").asText()),
                        s.disks());
                assertEquals("web", s.vm().nameLabel());
                assertTrue(s.controller().describe().contains(s.vm().uuid()));
            }
            UserError twin = assertThrows(UserError.class, () -> LiveXapiSource.open(options(x, pw, List.of("twin"))));
            assertTrue(twin.getMessage().contains("2 VMs have that name"), twin.getMessage());
            assertThrows(UserError.class, () -> LiveXapiSource.open(options(x, pw, List.of("nope"))));
            assertThrows(UserError.class, () -> LiveXapiSource.open(options(x, pw, List.of("web", "twin"))));
        }
    }
}
