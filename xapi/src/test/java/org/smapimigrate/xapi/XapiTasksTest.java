package org.smapimigrate.xapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.xapi.records.NewVdi;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.XapiClass;
import org.smapimigrate.xapi.standin.StandIns;
import org.smapimigrate.xapi.standin.XapiStandIn;
import org.smapimigrate.xapi.transport.TlsTrust;

/**
 * Async calls polled as tasks. The stand-in keeps a task pending for 4 reads and moves its progress
 * at each, then runs the call (here SR.scan of a SMAPIv3 SR through the real bundled plugin and
 * VDI.create through it) and stores the result as XAPI does, as an XML-RPC fragment.
 */
class XapiTasksTest {
    @TempDir
    Path dir;
    XapiStandIn xapi;
    XapiSession session;
    XapiTasks tasks;

    @BeforeEach
    void start() throws IOException {
        xapi = StandIns.pool(dir).taskSteps(4).start();
        session = XapiSession.login(XapiEndpoint.parse(xapi.url(), TlsTrust.caFile(StandIns.pki().poolCa().caPem())),
                XapiCredentials.resolve("root", null, Map.of("XAPI_PASSWORD", StandIns.PASSWORD)));
        tasks = new XapiTasks(session, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMinutes(1));
    }

    @AfterEach
    void stop() throws IOException {
        session.close();
        xapi.close();
    }

    @Test
    void asyncCallsArePolledWithProgressAndTheirResultUnwrapped() throws IOException {
        Path pluginDir = StandIns.bundledPluginRoot().resolve("volume").resolve(StandIns.DIRVOL);
        String sr = xapi.createSmapiV3Sr(pluginDir, StandIns.DIRVOL, "v3", Files.createDirectories(dir.resolve("v3")));
        List<Double> progress = new ArrayList<>();
        String vdi = tasks.run("VDI.create", (name, f) -> progress.add(f),
                NewVdi.userDisk(sr, "new disk", "", 4L << 20).toWire());
        assertEquals(List.of(0.25, 0.5, 0.75, 1.0), progress);
        assertTrue(vdi.startsWith("OpaqueRef:"), vdi);
        Vdi record = new XapiRecords(session).get(XapiClass.VDI, vdi);
        assertEquals(4L << 20, record.virtualSize());
        assertEquals("new disk", record.nameLabel());
        assertTrue(Files.exists(dir.resolve("v3").resolve(record.location() + ".raw")), "a real volume");
        assertEquals(0, xapi.dumpAll().get("task").size(), "the finished task was destroyed");

        progress.clear();
        assertEquals("", tasks.run("SR.scan", (name, f) -> progress.add(f), sr));
        assertEquals(4, progress.size());
    }

    @Test
    void aFailedTaskIsTheSameTypedError() throws IOException {
        XapiException e = assertThrows(XapiException.class,
                () -> tasks.run("SR.scan", TaskProgress.NONE, "OpaqueRef:no-such-sr"));
        assertEquals("HANDLE_INVALID", e.code());
        assertEquals("SR.scan: XAPI error HANDLE_INVALID [\"SR\", \"OpaqueRef:no-such-sr\"]", e.getMessage());
        xapi.faults().failOnCall("SR.scan", 1, "SR_BACKEND_FAILURE_47", "", "The SR is not available", "");
        String sr = xapi.addSr("ext", "local", Map.of("device", "/dev/sdb"), Map.of());
        XapiException injected = assertThrows(XapiException.class,
                () -> tasks.run("SR.scan", TaskProgress.NONE, sr));
        assertEquals("SR_BACKEND_FAILURE_47", injected.code());
        assertEquals(0, xapi.dumpAll().get("task").size());
    }

    @Test
    void sessionAndTaskMessagesHaveNoAsyncForm() throws IOException {
        XapiException e = assertThrows(XapiException.class, () -> session.call("Async.session.get_uuid",
                session.sessionRef()));
        assertEquals("MESSAGE_METHOD_UNKNOWN", e.code());
    }
}
