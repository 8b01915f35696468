package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.vm.VmPlan;
import org.smapimigrate.vm.VmPlanJson;

/**
 * What blocks a VM, as 'plan --xapi --vm' names it (xapi-integration.md sections 2 and 3):
 * checkpoints, SM at work on a VDI, dom0 attachments, SRs this host cannot see (and the transport
 * that follows), unknown VMs; hostile names from XAPI escaped. Nothing here writes anything.
 */
class VmPlanRisksTest {
    @TempDir
    Path dir;
    VmPoolFixture pool;

    @BeforeEach
    void build() throws Exception {
        pool = VmPoolFixture.build(dir);
    }

    @AfterEach
    void stop() {
        pool.close();
    }

    private CliRun cli(String... args) {
        return pool.cli(args);
    }

    private String dom0() {
        return pool.xapi.db().all("VM").entrySet().stream()
                .filter(e -> e.getValue().path("is_control_domain").asBoolean()).findFirst().orElseThrow().getKey();
    }

    @Test
    void checkpointsBusyAndAttachedVdisAreNamedAsErrors() throws Exception {
        pool.xapi.db().set("VM", pool.snapshots.get(1), "power_state", "Suspended");
        pool.xapi.db().set("VDI", pool.rootDisk, "sm_config", Map.of("paused", "true"));
        pool.xapi.addVbd(dom0(), pool.dataDisk, "9", Map.of("currently_attached", true, "mode", "RO"));
        ObjectNode before = pool.xapi.dump();
        CliRun r = cli("plan", "--vm", "app-server", "--target-sr", "SMAPIv3 target");
        assertEquals(1, r.exitCode(), r.out() + r.err());
        for (String code : List.of("vm-checkpoint", "coalesce-in-progress", "vdi-attached")) {
            assertTrue(r.out().contains("error   " + code), code + " in " + r.out());
        }
        assertTrue(r.err().contains("--force"), r.err());
        assertEquals(before, pool.xapi.dump());
    }

    @Test
    void anSrThisHostCannotSeeMeansTheXapiTransport() throws Exception {
        String nfs = pool.xapi.addSr("nfs", "Remote NFS", Map.of("server", "filer", "serverpath", "/export"), Map.of());
        String disk = pool.xapi.addVdi(nfs, "web disk", 4 << 20, null, Map.of());
        String web = pool.xapi.addVm("web", Map.of("power_state", "Halted"));
        pool.xapi.addVbd(web, disk, "0", Map.of("bootable", true));
        Path planFile = dir.resolve("web-plan.json");
        CliRun auto = cli("plan", "--vm", "web", "--target-sr", "SMAPIv3 target", "-o", planFile.toString());
        assertEquals(0, auto.exitCode(), auto.out() + auto.err());
        assertTrue(auto.out().contains("transport: xapi (a source SR is not visible on this host)"), auto.out());
        assertTrue(auto.out().contains("sr-not-visible"), auto.out());
        VmPlan p = VmPlanJson.read(planFile);
        assertEquals(VmPlan.Transport.XAPI, p.transport().kind());
        assertTrue(p.diskPlans().isEmpty());

        CliRun local = cli("plan", "--vm", "web", "--target-sr", "SMAPIv3 target", "--transport", "local");
        assertEquals(1, local.exitCode(), local.out());
        assertTrue(local.out().contains("error   sr-not-visible"), local.out());

        CliRun run = CliRun.of("migrate", "--plan", planFile.toString(), "--xapi-password-file",
                pool.passwordFile.toString(), "--xapi-ca", org.smapimigrate.xapi.standin.StandIns.pki().poolCa().caPem()
                        .toString());
        assertEquals(0, run.exitCode(), run.err());
        // The disk went through XAPI's HTTP handlers: the VM's VBD now names its copy.
        var db = pool.xapi.dump();
        String vbd = db.get("VM").get(web).get("VBDs").get(0).asText();
        var copy = db.get("VDI").get(db.get("VBD").get(vbd).get("VDI").asText());
        assertEquals(db.get("VDI").get(disk).get("uuid").asText(),
                copy.get("other_config").get("smapi-migrate.source-vdi").asText(), copy.toString());
    }

    @Test
    void unknownVmsAndSrsAreOneLineAndHostileNamesAreEscaped() throws Exception {
        CliRun none = cli("plan", "--vm", "no-such-vm", "--target-sr", "SMAPIv3 target");
        assertEquals(1, none.exitCode());
        assertEquals(1, none.err().lines().count(), none.err());
        assertTrue(none.err().contains("no VM of that name"), none.err());
        CliRun v1 = cli("plan", "--vm", "app-server", "--target-sr", "Local storage");
        assertEquals(1, v1.exitCode());
        assertTrue(v1.err().contains("not a SMAPIv3 plugin"), v1.err());

        pool.xapi.db().set("VM", pool.app, "name_label", "app\u001b[2J\u202eserver");
        pool.xapi.db().set("VDI", pool.rootDisk, "name_label", "root\u0007\nfake line");
        CliRun r = cli("plan", "--vm", pool.xapi.db().get("VM", pool.app).path("uuid").asText(), "--target-sr",
                "SMAPIv3 target");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertFalse(r.out().contains("\u001b") || r.out().contains("\u202e") || r.out().contains("\u0007"), r.out());
        assertFalse(r.out().lines().anyMatch(l -> l.startsWith("fake line")), r.out());
        assertTrue(Files.notExists(dir.resolve("state")));

        Path report = dir.resolve("vm-plan.md");
        CliRun md = cli("plan", "--vm", pool.xapi.db().get("VM", pool.app).path("uuid").asText(), "--vm", "db",
                "--target-sr", "SMAPIv3 target", "--report", report.toString());
        assertEquals(1, md.exitCode(), "db is running: " + md.out() + md.err());
        String text = Files.readString(report);
        assertFalse(text.contains("\u001b") || text.contains("\u202e") || text.contains("\u0007"), "escaped");
        assertTrue(text.contains("### VM app"), text);
        assertTrue(text.contains("| 3 | CD | RO | (empty) | empty CD drive: left alone |"), text);
        assertTrue(text.contains("`vm-running`"), text);
        assertTrue(text.contains("\n---\n"), "the disk plans' own reports follow");
        // A VM plan's report is .md or .html (since plan --vm --mode live), as a disk plan's.
        assertEquals(2, CliRun.of("plan", "--vm", "x", "--xapi", pool.xapi.url(), "--report", "r.txt").exitCode());
    }
}
