package org.smapimigrate.xapi.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.smapimigrate.xapi.standin.StandInApi.Caller;

/**
 * A XAPI stand-in for tests, written from shared/docs/xapi-integration.md and the published
 * datamodel (shared/data/xapi-datamodel.json), never from our client. It is a small pool: a master
 * on {@code https://127.0.0.1:PORT} and optional members on 127.0.0.2, 127.0.0.3... at the same
 * port, and optionally dom0's Unix socket, all over one in-memory database.
 *
 * <p>Behaviours modelled (section numbers of xapi-integration.md):
 * <ul>
 * <li>Wire (1): {@code POST /jsonrpc}; JSON-RPC v1 and v2 requests answered in the same version;
 *     v2 errors as {code:1, message, data}; malformed JSON, a missing params array or a missing/null
 *     id answered with HTTP 500 and an HTML page; MESSAGE_METHOD_UNKNOWN, {@code Class_message} wire
 *     names, trailing defaulted params optional, MESSAGE_PARAMETER_COUNT_MISMATCH; enums matched
 *     case-insensitively; ints accepted as JSON integers or decimal strings; bools only as JSON
 *     booleans (FIELD_TYPE_ERROR otherwise).</li>
 * <li>Sessions (1): login_with_password checked against the configured accounts
 *     (SESSION_AUTHENTICATION_FAILED [user; "Authentication failure"]); on the Unix socket no
 *     password is checked and the session is a local superuser; a member answers HOST_IS_SLAVE
 *     [master address] to logins, and with the {@code x-xenapi-request-host-certificate-thumbprint}
 *     header it returns the master's certificate fingerprint in
 *     {@code x-xenapi-response-host-certificate-thumbprint}; every other call checks its session
 *     (SESSION_INVALID [ref]); logout destroys it. The stand-in never keeps a password it was sent.</li>
 * <li>Records (1, 2): get_all_records, get_record, get_by_uuid (UUID_INVALID), get_by_name_label,
 *     get_all_records_where (field "f"="v" and ...), every field getter, setters of RW fields,
 *     add_to_/remove_from_ maps (MAP_DUPLICATE_KEY) and add_/remove_ sets, from the datamodel;
 *     HANDLE_INVALID [class; ref] for dead refs; reverse relations kept in step.</li>
 * <li>Tasks (1): {@code Async.X.y} answers a task; the task stays pending and moves one step
 *     ({@link Builder#taskSteps}) per read of it, and on its last step runs the call and stores its
 *     result as an XML-RPC fragment ({@code <value>...</value>}) or its error in error_info;
 *     task.create, cancel (TASK_CANCELLED), destroy.</li>
 * <li>Operations (3): VBD.create with its checks in the documented order (required fields as
 *     Dispatcher_FieldNotFound, VDI_INCOMPATIBLE_TYPE, CDs read-only and only CDs empty, VDI_READONLY,
 *     OTHER_OPERATION_IN_PROGRESS during migrate_send/pool_migrate, INVALID_DEVICE,
 *     DEVICE_ALREADY_EXISTS, autodetect, backend-kind copied into other_config); VBD.destroy refused
 *     while attached or reserved (OPERATION_NOT_ALLOWED "VBD '<uuid>' still attached to '<vm uuid>'");
 *     VBD.plug/unplug only on a running VM (VM_BAD_POWER_STATE [vm; "running"; actual]);
 *     VM.start/clean_shutdown/hard_shutdown with power states, templates (VM_IS_TEMPLATE) and
 *     blocked_operations (OPERATION_BLOCKED [vm; code]), attaching/detaching the VM's VBDs;
 *     VDI.create and VDI.destroy (VDI_IN_USE while attached; destroys the VDI's unattached VBDs);
 *     VM.snapshot and VDI.snapshot (section 3 and 4: copies of the VBDs, inherited VDI fields, CDs kept,
 *     Volume.snapshot with the snapshot keys on SMAPIv3, a sparse file copy elsewhere);
 *     VDI.set_name_label/set_name_description through the plugin on SMAPIv3 (they survive a scan,
 *     unlike other_config and tags which live in the database only);
 *     SR.scan of a SMAPIv3 SR through the real plugin, see {@link StandInStorage}.</li>
 * <li>HTTP disk handlers (3): {@code GET /export_raw_vdi} and {@code PUT /import_raw_vdi} with
 *     {@code vdi} (ref or uuid), {@code format=raw} or {@code format=vhd} (holes not sent; an
 *     imported VHD writes only its allocated blocks; VDI_TOO_LARGE above 2040 GiB; done by qemu-img,
 *     see {@link VhdByQemuImg}), {@code session_id}, {@code task_id}; export
 *     answers 200 with Task-id, Content-Type and Content-Disposition and no Content-Length; import
 *     refuses Transfer-Encoding and needs a Content-Length; both can answer 302 to a member
 *     ({@link #redirectTransfersToMember}); the task records the outcome (import: the VDI ref).</li>
 * <li>Live migration (4): VDI.snapshot of a VDI whose VM runs is a copy of its data file made
 *     under the database lock, which the guest also holds for each write, so its content is frozen
 *     at that instant; a running VM's guest is a {@link GuestWriter} ({@link #startGuest}: random
 *     4 KiB-aligned writes at a steady rate into its attached disks, marking CBT blocks, until the
 *     VM is shut down; nothing while Paused); CBT ({@link StandInCbt}: enable/disable_cbt with their
 *     refusals, snapshots closing the live log, list_changed_blocks ORing the logs after vdi_from up
 *     to vdi_to as an MSB-first 64 KiB bitmap in base64, VDI_IN_USE while vdi_to is attached,
 *     SR_BACKEND_FAILURE_460 for unrelated VDIs); VDI.data_destroy; VDI.get_nbd_info served by a real
 *     qemu-nbd with TLS and xapi-nbd's export name ({@link StandInNbd}), an empty set without an NBD
 *     network ({@link #nbdNetworkPurpose}); power: VM.clean_shutdown whose guest answers after a
 *     test-controlled delay or never ({@link #shutdownDelay}, {@link #guestIgnoresShutdown}: the Async
 *     task stays pending, current_operations holds it, task.cancel leaves the VM running),
 *     hard_shutdown, start, start_on (resident_on = that host), pause/unpause, VM_BAD_POWER_STATE
 *     [vm; expected; actual], allowed_operations after each change. Not modelled: xapi-nbd's dom0
 *     VBD per connection, CBT on raw SMAPIv1 VDIs (VDIType), the chain depth limit.</li>
 * <li>Faults: {@link StandInFaults} (an error on the Nth call, a dropped connection before or
 *     after applying, a session expired before the Nth call, a disk transfer that breaks off after
 *     N bytes), {@link #expireAllSessions()}.</li>
 * <li>{@link #dump()}: the whole database as JSON, for before/after diffs.</li>
 * </ul>
 * Not modelled (answered NOT_IMPLEMENTED or 404): XML-RPC, event.from, checkpoints, and other
 * messages without a generic form, SMAPIv1 drivers (a v1 SR's scan changes nothing), the formats
 * qcow2 and tar and deltas ({@code base}), RBAC, the session caps.
 */
public final class XapiStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String THUMBPRINT_REQUEST = "x-xenapi-request-host-certificate-thumbprint";
    static final String THUMBPRINT_RESPONSE = "x-xenapi-response-host-certificate-thumbprint";
    private static final int MAX_RPC = 4 << 20;

    private final StandInDatabase db = new StandInDatabase();
    private final StandInFaults faults = new StandInFaults();
    private final StandInStorage storage;
    private final StandInApi api;
    private final List<HttpsServer> servers = new ArrayList<>();
    private final List<String> hostRefs = new ArrayList<>();
    private final List<TestCertificates.Identity> identities = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "xapi-stand-in");
        t.setDaemon(true);
        return t;
    });
    private final Path dataDir;
    private final StandInNbd nbd;
    private final List<GuestWriter> guests = new ArrayList<>();
    private UnixSocketHttpServer unixServer;
    private volatile int redirectTo = -1;
    private int port;

    /** How to build a stand-in. */
    public static final class Builder {
        private Path pluginRoot;
        private Path dataDir;
        private final Map<String, String> accounts = new HashMap<>();
        private TestCertificates.Identity master;
        private final List<TestCertificates.Identity> members = new ArrayList<>();
        private Path unixSocket;
        private int taskSteps = 3;

        /** Volume plugins under {@code root/volume} become SMAPIv3 SR types (e.g. examples/xapi-storage-script). */
        public Builder pluginRoot(Path root) {
            this.pluginRoot = root;
            return this;
        }

        /** Where VDIs created on non-SMAPIv3 SRs keep their bytes. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder account(String user, String password) {
            accounts.put(user, password);
            return this;
        }

        public Builder master(TestCertificates.Identity identity) {
            this.master = identity;
            return this;
        }

        /** A pool member at 127.0.0.(2+i) with this certificate. */
        public Builder member(TestCertificates.Identity identity) {
            members.add(identity);
            return this;
        }

        /** Also serve dom0's Unix socket at {@code socket}. */
        public Builder unixSocket(Path socket) {
            this.unixSocket = socket;
            return this;
        }

        /** Reads of a pending task before it completes. */
        public Builder taskSteps(int steps) {
            this.taskSteps = steps;
            return this;
        }

        public XapiStandIn start() throws IOException {
            if (dataDir == null || master == null) {
                throw new IllegalStateException("a stand-in needs a data directory and a master certificate");
            }
            return new XapiStandIn(this);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private XapiStandIn(Builder b) throws IOException {
        this.dataDir = b.dataDir;
        Files.createDirectories(dataDir);
        storage = new StandInStorage(db, b.pluginRoot, b.dataDir);
        api = new StandInApi(db, storage, faults, Map.copyOf(b.accounts));
        api.setTaskSteps(b.taskSteps);
        api.setCertificatePem(b.master.pem());
        nbd = new StandInNbd(dataDir, b.master);
        api.setNbd(nbd);
        identities.add(b.master);
        identities.addAll(b.members);
        for (int i = 0; i < identities.size(); i++) {
            String address = "127.0.0." + (i + 1);
            String host = db.create("host", Map.of("name_label", i == 0 ? "master" : "member-" + i,
                    "hostname", i == 0 ? "master" : "member-" + i, "address", address, "enabled", true));
            hostRefs.add(host);
            db.create("VM", Map.of("name_label", "Control domain on host: " + (i == 0 ? "master" : "member-" + i),
                    "is_control_domain", true, "power_state", "Running", "resident_on", host));
        }
        db.create("pool", Map.of("name_label", "stand-in pool", "master", hostRefs.get(0)));
        bindAll();
        if (b.unixSocket != null) {
            unixServer = new UnixSocketHttpServer(b.unixSocket, ex -> handle(ex, new Caller(true, hostRefs.get(0), false,
                    "127.0.0.1")));
        }
    }

    /** All listeners share one port, each on its own loopback address (a pool on one machine). */
    private void bindAll() throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                int p = 0;
                for (int i = 0; i < identities.size(); i++) {
                    HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0." + (i + 1), p), 64);
                    s.setHttpsConfigurator(new HttpsConfigurator(identities.get(i).serverContext()));
                    int index = i;
                    s.createContext("/", ex -> handle(new SunExchange(ex), new Caller(false, hostRefs.get(index),
                            index > 0, "127.0.0.1")));
                    s.setExecutor(pool);
                    s.start();
                    servers.add(s);
                    p = s.getAddress().getPort();
                }
                port = p;
                return;
            } catch (BindException e) {
                servers.forEach(s -> s.stop(0));
                servers.clear();
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }

    public StandInDatabase db() {
        return db;
    }

    public StandInFaults faults() {
        return faults;
    }

    public int port() {
        return port;
    }

    /** {@code https://127.0.0.1:PORT}: the master. */
    public String url() {
        return "https://127.0.0.1:" + port;
    }

    /** {@code https://127.0.0.(2+i):PORT}: pool member i. */
    public String memberUrl(int i) {
        return "https://127.0.0." + (i + 2) + ":" + port;
    }

    public String masterRef() {
        return hostRefs.get(0);
    }

    /** The method names called so far (no params: a login's password is never kept). */
    public List<String> calls() {
        synchronized (db) {
            return api.calls();
        }
    }

    /** The database without sessions and tasks. */
    public ObjectNode dump() {
        return db.dump(false);
    }

    public ObjectNode dumpAll() {
        return db.dump(true);
    }

    public void expireAllSessions() {
        synchronized (db) {
            db.all("session").keySet().forEach(s -> db.destroy("session", s));
        }
    }

    /** Export and import on the master answer 302 to member {@code i}; -1 stops that. */
    public void redirectTransfersToMember(int i) {
        redirectTo = i;
    }

    /** Where a VDI's bytes are, for tests that seed or check content. */
    public Path vdiData(String vdiRef) {
        synchronized (db) {
            return storage.backing(vdiRef);
        }
    }

    // ---- live migration: running guests, shutdown behaviour, NBD (section 4) ----

    /**
     * Starts the guest of the running VM {@code vm}: a {@link GuestWriter} writing random data into
     * its attached disks at {@code bytesPerSecond} until the VM is shut down.
     */
    public GuestWriter startGuest(String vm, long bytesPerSecond, long seed) {
        synchronized (db) {
            GuestWriter g = new GuestWriter(db, storage, api.cbt(), vm, bytesPerSecond, seed);
            guests.add(g);
            return g;
        }
    }

    /** The guest of {@code vm} takes this long to answer VM.clean_shutdown (Async: its task stays pending). */
    public void shutdownDelay(String vm, java.time.Duration delay) {
        synchronized (db) {
            api.setShutdownDelay(vm, delay.toMillis());
        }
    }

    /** The guest of {@code vm} never answers VM.clean_shutdown: its Async task stays pending until cancelled. */
    public void guestIgnoresShutdown(String vm) {
        synchronized (db) {
            api.setShutdownDelay(vm, Long.MAX_VALUE);
        }
    }

    /** The purpose of the pool's NBD network: "nbd" (the default: TLS), or null (get_nbd_info answers []). */
    public void nbdNetworkPurpose(String purpose) {
        synchronized (db) {
            api.setNbdPurpose(purpose);
        }
    }

    /** The pids of the stand-in's own NBD servers (qemu-nbd), which carry export names on their command lines. */
    public List<Long> nbdServerPids() {
        synchronized (db) {
            return nbd.pids();
        }
    }

    /** How many NBD servers run now. */
    public int nbdServersRunning() {
        synchronized (db) {
            return nbd.running();
        }
    }

    // ---- seeding helpers for tests ----

    /** An SR of {@code type} with a PBD on the master (attached), as SR.create would leave it. */
    public String addSr(String type, String name, Map<String, String> deviceConfig, Map<String, ?> extra) {
        synchronized (db) {
            Map<String, Object> f = new LinkedHashMap<>(extra);
            f.put("type", type);
            f.put("name_label", name);
            f.putIfAbsent("content_type", "user");
            String sr = db.create("SR", f);
            db.create("PBD", Map.of("host", hostRefs.get(0), "SR", sr, "device_config", deviceConfig,
                    "currently_attached", true));
            return sr;
        }
    }

    /** A SMAPIv3 SR of the plugin {@code type} in {@code dir}: SR.create through the plugin, the SR and its PBD, a first scan. */
    public String createSmapiV3Sr(Path pluginDir, String type, String name, Path dir) {
        synchronized (db) {
            String uuid = java.util.UUID.randomUUID().toString();
            JsonNode conf = PluginExecutable.call(pluginDir, "SR.create", Map.of("dbg", "stand-in", "uuid", uuid,
                    "configuration", Map.of("path", dir.toString()), "name", name, "description", ""));
            Map<String, String> dc = JSON.convertValue(conf, Map.class);
            String sr = addSr(type, name, dc, Map.of("uuid", uuid));
            storage.scan(sr); // as after SR.create: sizes from SR.stat
            return sr;
        }
    }

    /**
     * A VDI on {@code sr} whose bytes are {@code content} (a raw file, used in place), or a new
     * sparse file of {@code size} bytes when {@code content} is null.
     */
    public String addVdi(String sr, String name, long size, Path content, Map<String, ?> extra) throws IOException {
        synchronized (db) {
            Map<String, Object> f = new LinkedHashMap<>(extra);
            f.put("SR", sr);
            f.put("name_label", name);
            f.put("virtual_size", size);
            f.putIfAbsent("type", "user");
            f.putIfAbsent("managed", true);
            String ref = db.create("VDI", f);
            String uuid = db.row("VDI", ref).path("uuid").asText();
            if (!extra.containsKey("location")) {
                db.set("VDI", ref, "location", uuid);
            }
            Path file = content;
            if (file == null) {
                file = dataDir.resolve(uuid + ".raw");
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    ch.truncate(size);
                    if (size > 0) {
                        ch.write(ByteBuffer.allocate(1), size - 1);
                    }
                }
            }
            storage.setBacking(ref, file);
            return ref;
        }
    }

    public String addVm(String name, Map<String, ?> extra) {
        synchronized (db) {
            Map<String, Object> f = new LinkedHashMap<>(extra);
            f.put("name_label", name);
            return db.create("VM", f);
        }
    }

    /** A VBD as VBD.create would make it (type Disk RW unless {@code extra} says otherwise). */
    public String addVbd(String vm, String vdi, String userdevice, Map<String, ?> extra) {
        synchronized (db) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("VM", vm);
            f.put("VDI", vdi == null ? StandInDatabase.NULL_REF : vdi);
            f.put("userdevice", userdevice);
            f.put("mode", "RW");
            f.put("type", "Disk");
            f.put("unpluggable", true);
            f.put("empty", vdi == null);
            f.putAll(extra);
            return db.create("VBD", f);
        }
    }

    // ---- HTTP ----

    private void handle(StandInExchange ex, Caller caller) {
        try {
            String path = ex.path();
            if (path.equals("/jsonrpc")) {
                jsonrpc(ex, caller);
            } else if (path.equals("/export_raw_vdi")) {
                export(ex, caller);
            } else if (path.equals("/import_raw_vdi")) {
                importRaw(ex, caller);
            } else {
                html(ex, 404, "Not found: " + path + " (the stand-in models /jsonrpc and the raw disk handlers only)");
            }
        } catch (DropConnection d) {
            ex.drop();
        } catch (IOException | RuntimeException e) {
            ex.drop();
        }
    }

    private void jsonrpc(StandInExchange ex, Caller caller) throws IOException {
        byte[] body = ex.body().readNBytes(MAX_RPC + 1);
        if (!"POST".equals(ex.method()) || body.length > MAX_RPC) {
            html(ex, 500, "Malformed_method_request");
            return;
        }
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (IOException e) {
            req = null;
        }
        // Malformed requests get HTTP 500 with an HTML body, not a JSON error (section 1, "Requests").
        if (req == null || !req.isObject() || !req.path("method").isTextual() || !req.path("params").isArray()
                || !(req.path("id").isTextual() || req.path("id").isIntegralNumber())) {
            html(ex, 500, "Malformed_method_request");
            return;
        }
        boolean v2 = "2.0".equals(req.path("jsonrpc").asText());
        ObjectNode resp = JsonNodeFactory.instance.objectNode();
        if (v2) {
            resp.put("jsonrpc", "2.0");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        try {
            JsonNode result;
            shutdownWait(req);
            synchronized (db) {
                result = api.call(req.get("method").asText(), (ArrayNode) req.get("params"), caller);
            }
            resp.set("result", result);
            if (!v2) {
                resp.putNull("error");
            }
        } catch (XapiFailure f) {
            if (v2) {
                ObjectNode err = resp.putObject("error");
                err.put("code", 1);
                err.put("message", f.code);
                ArrayNode data = err.putArray("data");
                f.params.forEach(data::add);
            } else {
                resp.putNull("result");
                ArrayNode err = resp.putArray("error");
                err.add(f.code);
                f.params.forEach(err::add);
            }
            if (f.code.equals("HOST_IS_SLAVE") && ex.header(THUMBPRINT_REQUEST) != null) {
                headers.put(THUMBPRINT_RESPONSE, org.smapimigrate.xapi.transport.CertificateFingerprint
                        .of(identities.get(0).certificate()).toString());
            }
        }
        resp.set("id", req.get("id"));
        byte[] out = JSON.writeValueAsBytes(resp);
        try (OutputStream o = ex.respond(200, headers, out.length)) {
            o.write(out);
        }
    }

    /** A synchronous VM.clean_shutdown waits for its guest outside the database lock, so the pool goes on meanwhile. */
    private void shutdownWait(JsonNode req) {
        String m = req.get("method").asText();
        if (!(m.equals("VM.clean_shutdown") || m.equals("VM_clean_shutdown")) || req.get("params").size() < 2) {
            return;
        }
        long delay;
        synchronized (db) {
            delay = api.shutdownDelayOf(req.get("params").get(1).asText());
        }
        if (delay == Long.MAX_VALUE) {
            throw new XapiFailure("NOT_IMPLEMENTED", "a guest that ignores VM.clean_shutdown is modelled on"
                    + " Async.VM.clean_shutdown only (the stand-in would hang)");
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, String> query(StandInExchange ex) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = ex.query();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    /** What the common start of both disk handlers found: the VDI, the task, the format, the fault to play. */
    private record TransferStart(String vdi, String task, String format, StandInFaults.Rule fault) {
    }

    /** The common start of both disk handlers: redirect, credentials, VDI, format, task. Null when answered. */
    private TransferStart transferStart(StandInExchange ex, Caller caller, String verb) throws IOException {
        if (!verb.equals(ex.method())) {
            html(ex, 405, "Method not allowed");
            return null;
        }
        if (redirectTo >= 0 && !caller.hostIsMember() && !caller.unixSocket()) {
            Map<String, String> h = Map.of("Location", memberUrl(redirectTo) + ex.path() + "?" + ex.query());
            ex.body().transferTo(OutputStream.nullOutputStream());
            ex.respond(302, h, 0).close();
            return null;
        }
        Map<String, String> q = query(ex);
        synchronized (db) {
            String session = q.getOrDefault("session_id", "");
            if (!db.exists("session", session)) {
                html(ex, 403, "Forbidden: no valid session_id");
                return null;
            }
            String vdi = q.getOrDefault("vdi", "");
            if (!db.exists("VDI", vdi)) {
                vdi = db.refOfUuid("VDI", vdi).orElse(null);
            }
            // An unknown format gives 404 (section 3); raw and vhd are modelled, qcow2, tar and base= are not.
            String format = q.getOrDefault("format", "raw");
            if (vdi == null || !(format.equals("raw") || format.equals("vhd")) || q.containsKey("base")) {
                html(ex, 404, "Not found (unknown VDI, or a format or base the stand-in does not model)");
                return null;
            }
            String task = q.get("task_id");
            if (task == null || !db.exists("task", task)) {
                task = api.newTask(verb.equals("GET") ? "export_raw_vdi" : "import_raw_vdi", session);
            }
            StandInFaults.Rule fault = faults.onCall(verb.equals("GET") ? "export_raw_vdi" : "import_raw_vdi");
            return new TransferStart(vdi, task, format, fault);
        }
    }

    private void export(StandInExchange ex, Caller caller) throws IOException {
        TransferStart st = transferStart(ex, caller, "GET");
        if (st == null) {
            return;
        }
        String vdi = st.vdi();
        String task = st.task();
        Path file;
        long size;
        String uuid;
        synchronized (db) {
            file = storage.backing(vdi);
            size = db.row("VDI", vdi).path("virtual_size").asLong();
            uuid = db.row("VDI", vdi).path("uuid").asText();
        }
        Path vhd = null;
        if (st.format().equals("vhd")) {
            // vhd is refused above 2040 GiB (section 3: VDI_TOO_LARGE, constants.ml max_vhd_size).
            if (size > (2040L << 30)) {
                fail(task, "VDI_TOO_LARGE", vdi, String.valueOf(2040L << 30));
                html(ex, 500, "Internal error: VDI_TOO_LARGE");
                return;
            }
            vhd = Files.createTempFile(dataDir, "export-", ".vhd");
            VhdByQemuImg.export(file, size, vhd);
            file = vhd;
            size = Files.size(vhd);
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Task-id", task);
        h.put("Content-Type", "application/octet-stream");
        h.put("Content-Disposition", "attachment; filename=\"" + uuid + "." + st.format() + "\"");
        long limit = st.fault() != null ? Math.min(size, st.fault().afterBytes) : size;
        // Not closed on a failure: closing would end the chunked body properly and hide the drop.
        OutputStream out = ex.respond(200, h, -1);
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long pos = 0;
            while (pos < limit) {
                buf.clear().limit((int) Math.min(buf.capacity(), limit - pos));
                int n = ch.read(buf, pos);
                if (n < 0) {
                    java.util.Arrays.fill(buf.array(), buf.position(), buf.limit(), (byte) 0);
                    buf.position(buf.limit());
                }
                out.write(buf.array(), 0, buf.position());
                pos += buf.position();
            }
            if (st.fault() != null) {
                out.flush();
                fail(task, "VDI_IO_ERROR", "the connection was lost after " + pos + " bytes");
                ex.drop();
            }
            out.close();
        } finally {
            if (vhd != null) {
                Files.deleteIfExists(vhd);
            }
        }
        synchronized (db) {
            api.finishTask(task, "", null);
        }
    }

    private void importRaw(StandInExchange ex, Caller caller) throws IOException {
        TransferStart st = transferStart(ex, caller, "PUT");
        if (st == null) {
            return;
        }
        String vdi = st.vdi();
        String task = st.task();
        String length = ex.header("Content-Length");
        // HTTP Transfer-Encoding is refused: send a Content-Length (section 3; xen-api #5754, #3769).
        if (ex.header("Transfer-Encoding") != null || length == null) {
            fail(task, "VDI_IO_ERROR", "Transfer-Encoding is not supported; send a Content-Length");
            html(ex, 400, "Bad request: a Content-Length is required and Transfer-Encoding is not supported");
            return;
        }
        Path file;
        long size;
        synchronized (db) {
            file = storage.backing(vdi);
            size = db.row("VDI", vdi).path("virtual_size").asLong();
        }
        long n = Long.parseLong(length);
        boolean vhd = st.format().equals("vhd");
        if (!vhd && n > size) {
            fail(task, "VDI_IO_ERROR", "Device I/O errors: " + n + " bytes do not fit in " + size);
            html(ex, 500, "Internal error: the data is larger than the VDI");
            return;
        }
        // A raw body goes straight into the VDI; a VHD is gathered first, then its blocks are written.
        Path spool = vhd ? Files.createTempFile(dataDir, "import-", ".vhd") : null;
        try {
            long limit = st.fault() != null ? Math.min(n, st.fault().afterBytes) : n;
            InputStream in = ex.body(); // not closed on a drop: closing would read the rest of the upload
            try (FileChannel ch = FileChannel.open(vhd ? spool : file, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[1 << 20];
                long pos = 0;
                int r;
                while (pos < limit && (r = in.read(buf, 0, (int) Math.min(buf.length, limit - pos))) > 0) {
                    ch.write(ByteBuffer.wrap(buf, 0, r), pos);
                    pos += r;
                }
                if (st.fault() != null) {
                    // A lost connection: what was written stays (raw), the task fails.
                    fail(task, "VDI_IO_ERROR", "the connection was lost after " + pos + " of " + n + " bytes");
                    ex.drop();
                }
                if (pos != n) {
                    fail(task, "VDI_IO_ERROR", "the upload ended after " + pos + " of " + n + " bytes");
                    return;
                }
            }
            if (vhd) {
                try {
                    VhdByQemuImg.apply(spool, file, size, dataDir.resolve(spool.getFileName() + ".raw"));
                } catch (IOException e) {
                    fail(task, "VDI_IO_ERROR", e.getMessage());
                    html(ex, 500, "Internal error: VDI_IO_ERROR");
                    return;
                }
            }
        } finally {
            if (spool != null) {
                Files.deleteIfExists(spool);
            }
        }
        synchronized (db) {
            api.finishTask(task, "<value>" + vdi + "</value>", null);
        }
        ex.respond(200, Map.of("Task-id", task), 0).close();
    }

    private void fail(String task, String code, String... params) {
        List<String> info = new ArrayList<>();
        info.add(code);
        info.addAll(List.of(params));
        synchronized (db) {
            api.finishTask(task, "", info);
        }
    }

    private static void html(StandInExchange ex, int status, String text) throws IOException {
        byte[] b = ("<html><body><h1>" + status + "</h1><p>" + text + "</p></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        try (OutputStream o = ex.respond(status, Map.of("Content-Type", "text/html"), b.length)) {
            o.write(b);
        }
    }

    @Override
    public void close() {
        guests.forEach(GuestWriter::close);
        nbd.close();
        servers.forEach(s -> s.stop(0));
        if (unixServer != null) {
            unixServer.close();
        }
        pool.shutdownNow();
    }

    /** com.sun.net.httpserver's exchange as a {@link StandInExchange}. */
    private static final class SunExchange implements StandInExchange {
        private final HttpExchange ex;

        SunExchange(HttpExchange ex) {
            this.ex = ex;
        }

        @Override
        public String method() {
            return ex.getRequestMethod();
        }

        @Override
        public String path() {
            return ex.getRequestURI().getRawPath();
        }

        @Override
        public String query() {
            return ex.getRequestURI().getRawQuery();
        }

        @Override
        public String header(String name) {
            return ex.getRequestHeaders().getFirst(name);
        }

        @Override
        public InputStream body() {
            return ex.getRequestBody();
        }

        @Override
        public OutputStream respond(int status, Map<String, String> headers, long length) throws IOException {
            headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            // com.sun's convention: -1 = no body, 0 = unknown length (chunked).
            ex.sendResponseHeaders(status, length == 0 ? -1 : length < 0 ? 0 : length);
            return new java.io.FilterOutputStream(ex.getResponseBody()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    super.close();
                    ex.close();
                }
            };
        }

        @Override
        public void drop() {
            // Closing the exchange's socket without any answer: the client sees the connection end.
            throw new DropConnection();
        }
    }
}
