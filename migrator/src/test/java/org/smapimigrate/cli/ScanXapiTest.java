package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.xapi.standin.ExamplePool;
import org.smapimigrate.xapi.standin.StandIns;
import org.smapimigrate.xapi.standin.TestCertificates;
import org.smapimigrate.xapi.standin.XapiStandIn;

/**
 * {@code scan --xapi} against the XAPI stand-in of the xapi module's test-jar (which models the
 * JSON-RPC API, sessions, TLS and SM records of a pool; see XapiStandIn), holding ExamplePool.
 */
class ScanXapiTest {
    @TempDir
    Path dir;
    XapiStandIn xapi;
    ExamplePool pool;
    Path passwordFile;

    @BeforeEach
    void start() throws Exception {
        xapi = StandIns.pool(dir).start();
        pool = ExamplePool.build(xapi, dir);
        passwordFile = Files.writeString(dir.resolve("xapi-password"), StandIns.PASSWORD + "\n");
    }

    @AfterEach
    void stop() {
        xapi.close();
    }

    @Test
    void jsonListsSrsAndVmsWithDisksAndSnapshots() throws Exception {
        CliRun r = CliRun.of("scan", "--xapi", xapi.memberUrl(0), "--xapi-password-file", passwordFile.toString(),
                "--xapi-ca", StandIns.pki().poolCa().caPem().toString(), "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        List<String> srs = new ArrayList<>();
        j.get("srs").forEach(s -> srs.add(s.get("name").asText() + "/" + s.get("type").asText() + "/" + s.get("smapi").asText()));
        assertEquals(List.of("ISO library/iso/SMAPIv1", "LVM on sdb/lvm/SMAPIv1", "Local storage/ext/SMAPIv1",
                "SMAPIv3 target/" + StandIns.DIRVOL + "/SMAPIv3"), srs);
        assertEquals(60L << 30, j.get("srs").get(2).get("free").asLong());
        JsonNode app = j.get("vms").get(0);
        assertEquals("app-server", app.get("name").asText());
        assertEquals(3, app.get("disks").size());
        assertEquals(xapi.db().get("VDI", pool.dataDisk).path("uuid").asText(),
                app.get("disks").get(1).get("vdi_uuid").asText());
        assertEquals("LVM on sdb", app.get("disks").get(1).get("sr_name").asText());
        assertTrue(app.get("disks").get(2).get("empty").asBoolean());
        assertEquals(2, app.get("snapshots").size());
        assertEquals(2, j.get("vms").size(), "control domains and templates are left out");
        assertFalse(r.out().contains(StandIns.PASSWORD) || r.err().contains(StandIns.PASSWORD));
        assertEquals(0, xapi.db().all("session").size(), "logged out");
    }

    @Test
    void textShowsTheSameInColumns() {
        CliRun r = CliRun.of("scan", "--xapi", xapi.url(), "--xapi-password-file", passwordFile.toString(),
                "--xapi-ca", StandIns.pki().poolCa().caPem().toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("SMAPIv3"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  app-server  Halted")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("CD   3") && l.endsWith("(empty)")), r.out());
        assertTrue(r.out().contains("snapshot 20260101T10:00:00Z"), r.out());
    }

    @Test
    void anUnknownCertificateIsRefusedWithItsFingerprint() throws Exception {
        CliRun r = CliRun.of("scan", "--xapi", xapi.url(), "--xapi-password-file", passwordFile.toString(),
                "--xapi-fingerprint", "00".repeat(32));
        assertEquals(1, r.exitCode());
        String fp = TestCertificates.opensslFingerprint(StandIns.pki().master().certificatePem());
        assertTrue(r.err().contains(fp), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        CliRun ok = CliRun.of("scan", "--xapi", xapi.url(), "--xapi-password-file", passwordFile.toString(),
                "--xapi-fingerprint", fp, "--json");
        assertEquals(0, ok.exitCode(), ok.err());
    }

    @Test
    void usageErrors() {
        assertEquals(2, CliRun.of("scan").exitCode());
        assertEquals(2, CliRun.of("scan", "--xapi", xapi.url(), dir.toString()).exitCode());
        CliRun noPassword = CliRun.of("scan", "--xapi", xapi.url(), "--xapi-password-file", dir.resolve("none").toString());
        assertEquals(1, noPassword.exitCode());
        assertTrue(noPassword.err().contains("password file"), noPassword.err());
    }
}
