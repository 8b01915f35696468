package org.smapimigrate.xapi.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stand-in's API: every {@code <Class>.<message>} of the datamodel for the classes it holds,
 * dispatched as XAPI's generated server does (xapi-integration.md section 1): MESSAGE_METHOD_UNKNOWN
 * for unknown names, {@code Class_message} accepted as an alternative wire name, trailing params
 * with defaults optional and MESSAGE_PARAMETER_COUNT_MISMATCH otherwise, the session checked first
 * (SESSION_INVALID), {@code Async.} calls answered with a task. Generic field getters, setters and
 * map/set adders come from the datamodel; the messages with behaviour are written out below from
 * the document's sections 1 to 3. Anything else answers NOT_IMPLEMENTED (a stand-in limit, not XAPI).
 */
final class StandInApi {
    private static final JsonNodeFactory N = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter XAPI_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    /** Params with defaults the datamodel dump does not list (xapi-integration.md section 1, "Requests"). */
    private static final Map<String, Integer> EXTRA_DEFAULTS = Map.of("VM.snapshot", 1, "VDI.snapshot", 1);
    private static final Set<String> VBD_VDI_TYPES = Set.of("system", "user", "ephemeral", "suspend", "crashdump",
            "metadata", "rrd", "pvs_cache");
    private static final String[] VBD_REQUIRED = {"VM", "VDI", "userdevice", "bootable", "mode", "type", "empty",
            "other_config", "qos_algorithm_type", "qos_algorithm_params"};

    /** Who is calling: over the Unix socket (local superuser) or TCP, and to which host. */
    record Caller(boolean unixSocket, String hostRef, boolean hostIsMember, String masterAddress) {
    }

    private final Datamodel model = Datamodel.get();
    private final StandInDatabase db;
    private final StandInStorage storage;
    private final StandInFaults faults;
    private final Map<String, String> accounts;
    private final Map<String, PendingTask> pending = new HashMap<>();
    private final List<String> calls = new ArrayList<>();
    private volatile String certificatePem = "";
    private volatile int taskSteps = 3;
    private final StandInCbt cbt = new StandInCbt();
    private StandInNbd nbd;
    private String nbdPurpose = "nbd";
    /** Per VM: how long its guest takes to answer a clean shutdown (ms); Long.MAX_VALUE: it never does. */
    private final Map<String, Long> shutdownDelay = new HashMap<>();

    private static final class PendingTask {
        final Supplier<JsonNode> action;
        int left;
        final int steps;
        /** System.nanoTime before which the task cannot finish (a guest still shutting down). */
        long notBefore = Long.MIN_VALUE;
        Runnable onCancel = () -> { };

        PendingTask(Supplier<JsonNode> action, int steps) {
            this.action = action;
            this.left = steps;
            this.steps = steps;
        }
    }

    StandInCbt cbt() {
        return cbt;
    }

    void setNbd(StandInNbd nbd) {
        this.nbd = nbd;
    }

    /** The purpose of the pool's NBD network: "nbd" (TLS), or null for none (get_nbd_info answers an empty set). */
    void setNbdPurpose(String purpose) {
        this.nbdPurpose = purpose;
    }

    void setShutdownDelay(String vm, long millis) {
        shutdownDelay.put(vm, millis);
    }

    /** How long a synchronous VM.clean_shutdown of {@code vm} waits for the guest (outside the database lock). */
    long shutdownDelayOf(String vm) {
        return shutdownDelay.getOrDefault(vm, 0L);
    }

    StandInApi(StandInDatabase db, StandInStorage storage, StandInFaults faults, Map<String, String> accounts) {
        this.db = db;
        this.storage = storage;
        this.faults = faults;
        this.accounts = accounts;
    }

    void setCertificatePem(String pem) {
        certificatePem = pem;
    }

    void setTaskSteps(int steps) {
        taskSteps = Math.max(1, steps);
    }

    List<String> calls() {
        return List.copyOf(calls);
    }

    /** Runs one call; throws {@link XapiFailure} for an API error, {@link DropConnection} for an injected drop. */
    JsonNode call(String wireName, ArrayNode params, Caller caller) {
        String method = wireName;
        boolean async = false;
        if (method.startsWith("Async.")) {
            async = true;
            method = method.substring("Async.".length());
        }
        method = canonical(method);
        int dot = method.indexOf('.');
        Datamodel.ClassModel cls = dot < 0 ? null : model.cls(method.substring(0, dot)).orElse(null);
        Datamodel.Message msg = cls == null ? null : cls.messages().get(method.substring(dot + 1));
        if (msg == null || !StandInDatabase.CLASSES.contains(cls.name())
                || (async && (cls.name().equals("session") || cls.name().equals("task")
                || msg.name().startsWith("get_") || msg.name().startsWith("set_")))) {
            throw new XapiFailure("MESSAGE_METHOD_UNKNOWN", wireName);
        }
        int total = msg.paramNames().size();
        int required = msg.required() - EXTRA_DEFAULTS.getOrDefault(method, 0);
        if (params.size() < required || params.size() > total) {
            throw new XapiFailure("MESSAGE_PARAMETER_COUNT_MISMATCH", wireName, String.valueOf(total),
                    String.valueOf(params.size()));
        }
        calls.add(wireName);
        try {
            return dispatch(wireName, method, async, cls, msg, params, caller);
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException | NullPointerException e) {
            // XAPI turns an internal exception into INTERNAL_ERROR rather than dropping the connection.
            throw new XapiFailure("INTERNAL_ERROR", e.toString());
        }
    }

    private JsonNode dispatch(String wireName, String method, boolean async, Datamodel.ClassModel cls,
                              Datamodel.Message msg, ArrayNode params, Caller caller) {
        boolean login = method.equals("session.login_with_password");
        if (!login) {
            checkSession(params.get(0));
        }
        StandInFaults.Rule fault = faults.onCall(method);
        if (fault != null) {
            switch (fault.kind) {
                case ERROR:
                    throw new XapiFailure(fault.code, fault.params);
                case DROP_BEFORE:
                    throw new DropConnection();
                case EXPIRE_SESSION:
                    if (!login) {
                        db.destroy("session", params.get(0).asText());
                        checkSession(params.get(0));
                    }
                    break;
                default:
                    break;
            }
        }
        List<JsonNode> args = new ArrayList<>();
        for (int i = login ? 0 : 1; i < params.size(); i++) {
            args.add(params.get(i));
        }
        String name = method;
        JsonNode result;
        if (async) {
            String task = newTask("Async." + name, params.get(0).asText());
            String session = params.get(0).asText();
            Supplier<JsonNode> action = () -> run(cls, msg, name, args, caller, session);
            String vm = name.equals("VM.clean_shutdown") && !args.isEmpty() && db.exists("VM", args.get(0).asText())
                    ? args.get(0).asText() : null;
            PendingTask p;
            if (vm != null) {
                // The guest answers the shutdown request after its delay (or never): the task stays pending.
                p = new PendingTask(() -> {
                    clearOperation(vm, task);
                    return action.get();
                }, taskSteps);
                long delay = shutdownDelayOf(vm);
                p.notBefore = delay == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + delay * 1_000_000;
                p.onCancel = () -> clearOperation(vm, task);
                ObjectNode ops = db.row("VM", vm).path("current_operations").deepCopy();
                ops.put(task, "clean_shutdown");
                db.set("VM", vm, "current_operations", ops);
            } else {
                p = new PendingTask(action, taskSteps);
            }
            pending.put(task, p);
            result = N.textNode(task);
        } else {
            result = run(cls, msg, name, args, caller, login ? null : params.get(0).asText());
        }
        if (fault != null && fault.kind == StandInFaults.Kind.DROP_AFTER) {
            throw new DropConnection();
        }
        return result;
    }

    /** {@code VM_get_all} is accepted for {@code VM.get_all} (datamodel_utils.ml alternative_wire_name). */
    private String canonical(String method) {
        if (method.indexOf('.') >= 0) {
            return method;
        }
        for (String c : StandInDatabase.CLASSES) {
            if (method.startsWith(c + "_")) {
                return c + "." + method.substring(c.length() + 1);
            }
        }
        return method;
    }

    private void checkSession(JsonNode s) {
        if (!s.isTextual() || !db.exists("session", s.asText())) {
            throw new XapiFailure("SESSION_INVALID", s.isTextual() ? s.asText() : s.toString());
        }
        db.set("session", s.asText(), "last_active", now());
    }

    private JsonNode run(Datamodel.ClassModel cls, Datamodel.Message msg, String method, List<JsonNode> a, Caller caller,
                         String session) {
        switch (method) {
            case "session.login_with_password":
                return login(a, caller);
            case "session.logout":
                db.destroy("session", session);
                return N.textNode("");
            case "task.create":
                return N.textNode(newTask(a.get(0).asText(), ""));
            case "task.cancel":
                return cancelTask(a.get(0).asText());
            case "task.destroy":
                db.row("task", a.get(0).asText());
                pending.remove(a.get(0).asText());
                db.destroy("task", a.get(0).asText());
                return N.textNode("");
            case "VBD.create":
                return N.textNode(vbdCreate(a.get(0)));
            case "VBD.destroy":
                vbdDestroy(ref("VBD", a.get(0)));
                return N.textNode("");
            case "VBD.plug":
            case "VBD.unplug":
                vbdPlug(ref("VBD", a.get(0)), method.equals("VBD.plug"));
                return N.textNode("");
            case "VDI.create":
                return N.textNode(vdiCreate(a.get(0)));
            case "VDI.destroy":
                vdiDestroy(ref("VDI", a.get(0)));
                return N.textNode("");
            case "VDI.set_name_label":
            case "VDI.set_name_description":
                storage.rename(ref("VDI", a.get(0)), method.endsWith("label"), a.get(1).asText());
                return N.textNode("");
            case "VDI.snapshot":
                return N.textNode(vdiSnapshot(ref("VDI", a.get(0))));
            case "VM.snapshot":
                return N.textNode(vmSnapshot(ref("VM", a.get(0)), a.get(1).asText(),
                        a.size() > 2 ? a.get(2) : N.arrayNode()));
            case "SR.scan":
                storage.scan(ref("SR", a.get(0)));
                return N.textNode("");
            case "VM.start":
                vmStart(ref("VM", a.get(0)), a.size() > 1 && a.get(1).asBoolean(), caller.hostRef());
                return N.textNode("");
            case "VM.start_on":
                vmStart(ref("VM", a.get(0)), a.get(2).asBoolean(), ref("host", a.get(1)));
                return N.textNode("");
            case "VM.pause":
            case "VM.unpause":
                vmPause(ref("VM", a.get(0)), method.equals("VM.pause"));
                return N.textNode("");
            case "VDI.enable_cbt":
            case "VDI.disable_cbt":
                vdiCbt(ref("VDI", a.get(0)), method.equals("VDI.enable_cbt"));
                return N.textNode("");
            case "VDI.list_changed_blocks":
                return N.textNode(listChangedBlocks(ref("VDI", a.get(0)), ref("VDI", a.get(1))));
            case "VDI.get_nbd_info":
                return nbdInfo(ref("VDI", a.get(0)), session);
            case "VDI.data_destroy":
                vdiDataDestroy(ref("VDI", a.get(0)));
                return N.textNode("");
            case "VM.hard_shutdown":
            case "VM.clean_shutdown":
                vmShutdown(ref("VM", a.get(0)), method.equals("VM.hard_shutdown"));
                return N.textNode("");
            case "host.get_server_certificate":
                ref("host", a.get(0));
                return N.textNode(certificatePem);
            default:
                if (cls.name().equals("task") && msg.name().startsWith("get_") && !a.isEmpty()) {
                    advance(a.get(0).asText());
                }
                return generic(cls, msg, a);
        }
    }

    // ---- sessions and tasks ----

    private JsonNode login(List<JsonNode> a, Caller caller) {
        String user = a.get(0).asText();
        if (caller.hostIsMember()) {
            throw new XapiFailure("HOST_IS_SLAVE", caller.masterAddress());
        }
        // Over dom0's socket no password is checked: a local-superuser session (section 1 "Endpoint").
        if (!caller.unixSocket() && (!accounts.containsKey(user) || !accounts.get(user).equals(a.get(1).asText()))) {
            throw new XapiFailure("SESSION_AUTHENTICATION_FAILED", user, "Authentication failure");
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("this_host", caller.hostRef());
        f.put("last_active", now());
        f.put("validation_time", now());
        f.put("pool", false);
        f.put("is_local_superuser", caller.unixSocket() || user.equals("root"));
        f.put("auth_user_name", user);
        f.put("originator", a.size() > 3 ? a.get(3).asText() : "");
        return N.textNode(db.create("session", f));
    }

    String newTask(String label, String session) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name_label", label);
        f.put("status", "pending");
        f.put("created", now());
        f.put("progress", 0.0);
        return db.create("task", f);
    }

    /** Each read of a pending task moves it one step on; the last step runs its call and records the outcome. */
    private void advance(String task) {
        PendingTask p = pending.get(task);
        if (p == null || !db.exists("task", task)) {
            return;
        }
        p.left--;
        if (p.left > 0) {
            db.set("task", task, "progress", 1.0 - (double) p.left / p.steps);
            return;
        }
        if (System.nanoTime() < p.notBefore) {
            return; // still waiting for the guest
        }
        pending.remove(task);
        try {
            JsonNode r = p.action.get();
            finishTask(task, r.isTextual() && r.asText().isEmpty() ? "" : "<value>" + xml(r.isTextual() ? r.asText()
                    : r.toString()) + "</value>", null);
        } catch (XapiFailure f) {
            List<String> info = new ArrayList<>();
            info.add(f.code);
            info.addAll(f.params);
            finishTask(task, "", info);
        } catch (RuntimeException e) {
            finishTask(task, "", List.of("INTERNAL_ERROR", e.toString()));
        }
    }

    void finishTask(String task, String result, List<String> errorInfo) {
        if (!db.exists("task", task)) {
            return;
        }
        db.set("task", task, "progress", 1.0);
        db.set("task", task, "finished", now());
        if (errorInfo == null) {
            db.set("task", task, "status", "success");
            db.set("task", task, "result", result);
        } else {
            db.set("task", task, "status", "failure");
            db.set("task", task, "error_info", errorInfo);
        }
    }

    private JsonNode cancelTask(String task) {
        db.row("task", task);
        PendingTask p = pending.get(task);
        if (p != null) {
            p.onCancel.run();
        }
        if (pending.remove(task) != null || "pending".equals(db.row("task", task).path("status").asText())) {
            db.set("task", task, "status", "cancelled");
            db.set("task", task, "error_info", List.of("TASK_CANCELLED", task));
            db.set("task", task, "finished", now());
        }
        return N.textNode("");
    }

    // ---- VBD, VDI, VM (section 3 "Operations") ----

    private String vbdCreate(JsonNode rec) {
        if (!rec.isObject()) {
            throw new XapiFailure("FIELD_TYPE_ERROR", "args");
        }
        for (String f : VBD_REQUIRED) {
            if (!rec.has(f)) {
                throw new XapiFailure("INTERNAL_ERROR", "Server_helpers.Dispatcher_FieldNotFound(\"" + f + "\")");
            }
        }
        Map<String, Object> f = fieldsOf("VBD", rec);
        String vm = ref("VM", rec.get("VM"));
        boolean empty = rec.get("empty").asBoolean();
        String type = canon("vbd_type", rec.get("type").asText());
        String mode = canon("vbd_mode", rec.get("mode").asText());
        String vdi = rec.get("VDI").asText();
        if (!empty || !StandInDatabase.NULL_REF.equals(vdi)) {
            vdi = ref("VDI", rec.get("VDI"));
            String vdiType = db.row("VDI", vdi).path("type").asText();
            if (!VBD_VDI_TYPES.contains(vdiType)) {
                throw new XapiFailure("VDI_INCOMPATIBLE_TYPE", vdi, vdiType);
            }
        }
        if (type.equals("CD") && !mode.equals("RO")) {
            throw new XapiFailure("VBD_CDS_MUST_BE_READONLY");
        }
        if (empty && !type.equals("CD")) {
            throw new XapiFailure("VBD_NOT_REMOVABLE_MEDIA", "in constructor");
        }
        if (!empty && mode.equals("RW") && db.row("VDI", vdi).path("read_only").asBoolean()) {
            throw new XapiFailure("VDI_READONLY", vdi);
        }
        db.row("VM", vm).path("current_operations").fields().forEachRemaining(op -> {
            if (op.getValue().asText().equals("migrate_send") || op.getValue().asText().equals("pool_migrate")) {
                throw new XapiFailure("OTHER_OPERATION_IN_PROGRESS", "VM", vm, op.getValue().asText(), op.getKey());
            }
        });
        String userdevice = rec.get("userdevice").asText();
        Set<String> used = new java.util.HashSet<>();
        for (JsonNode v : db.row("VM", vm).path("VBDs")) {
            used.add(db.row("VBD", v.asText()).path("userdevice").asText());
        }
        if (userdevice.equals("autodetect")) {
            int d = 0;
            while (used.contains(String.valueOf(d))) {
                d++;
            }
            userdevice = String.valueOf(d);
        } else if (!userdevice.matches("\\d{1,3}") || Integer.parseInt(userdevice) > 254) {
            throw new XapiFailure("INVALID_DEVICE", userdevice);
        } else if (used.contains(userdevice)) {
            throw new XapiFailure("DEVICE_ALREADY_EXISTS", userdevice);
        }
        f.put("userdevice", userdevice);
        f.put("VDI", empty ? StandInDatabase.NULL_REF : vdi);
        // For a VM that is not Suspended, xapi ignores device and currently_attached (xapi_vbd.ml create).
        if (!"Suspended".equals(db.row("VM", vm).path("power_state").asText())) {
            f.put("device", "");
            f.put("currently_attached", false);
        }
        if (!empty) {
            String kind = db.row("VDI", vdi).path("sm_config").path("backend-kind").asText("");
            if (!kind.isEmpty()) {
                ObjectNode oc = ((ObjectNode) rec.get("other_config")).deepCopy();
                oc.put("backend-kind", kind);
                f.put("other_config", oc);
            }
        }
        f.remove("uuid");
        return db.create("VBD", f);
    }

    private void vbdDestroy(String vbd) {
        ObjectNode r = db.row("VBD", vbd);
        if (r.path("currently_attached").asBoolean() || r.path("reserved").asBoolean()) {
            String vmUuid = db.exists("VM", r.path("VM").asText()) ? db.row("VM", r.path("VM").asText()).path("uuid").asText() : "";
            throw new XapiFailure("OPERATION_NOT_ALLOWED", "VBD '" + r.path("uuid").asText() + "' still attached to '"
                    + vmUuid + "'");
        }
        db.destroy("VBD", vbd);
    }

    private void vbdPlug(String vbd, boolean plug) {
        ObjectNode r = db.row("VBD", vbd);
        String vm = r.path("VM").asText();
        String state = db.row("VM", vm).path("power_state").asText();
        if (!state.equals("Running")) {
            throw new XapiFailure("VM_BAD_POWER_STATE", vm, "running", state.toLowerCase(Locale.ROOT));
        }
        boolean attached = r.path("currently_attached").asBoolean();
        if (plug && attached) {
            throw new XapiFailure("DEVICE_ALREADY_ATTACHED", vbd);
        }
        if (!plug && !r.path("unpluggable").asBoolean()) {
            throw new XapiFailure("VBD_NOT_UNPLUGGABLE", vbd);
        }
        if (!plug && !attached) {
            throw new XapiFailure("DEVICE_ALREADY_DETACHED", vbd);
        }
        db.set("VBD", vbd, "currently_attached", plug);
    }

    private String vdiCreate(JsonNode rec) {
        if (!rec.isObject()) {
            throw new XapiFailure("FIELD_TYPE_ERROR", "args");
        }
        for (String f : new String[] {"SR", "virtual_size", "type", "sharable", "read_only", "other_config"}) {
            if (!rec.has(f)) {
                throw new XapiFailure("INTERNAL_ERROR", "Server_helpers.Dispatcher_FieldNotFound(\"" + f + "\")");
            }
        }
        ref("SR", rec.get("SR"));
        Map<String, Object> f = new LinkedHashMap<>();
        fieldsOf("VDI", rec).forEach((k, v) -> f.put(k, db.coerce("VDI", model.require("VDI").fields().get(k),
                (JsonNode) v)));
        f.remove("uuid");
        f.remove("location");
        f.replaceAll((k, v) -> JSON.convertValue(v, Object.class));
        return storage.createVdi(f);
    }

    private void vdiDestroy(String vdi) {
        for (JsonNode v : db.row("VDI", vdi).path("VBDs")) {
            if (db.row("VBD", v.asText()).path("currently_attached").asBoolean()) {
                throw new XapiFailure("VDI_IN_USE", vdi, "destroy");
            }
        }
        // VDI.destroy also destroys every unattached VBD that references it (xapi_vdi.ml).
        for (JsonNode v : db.row("VDI", vdi).path("VBDs").deepCopy()) {
            db.destroy("VBD", v.asText());
        }
        if (nbd != null) {
            nbd.stop(vdi);
        }
        cbt.destroyed(vdi);
        if (!"cbt_metadata".equals(db.row("VDI", vdi).path("type").asText())) {
            storage.destroyVdi(vdi);
        }
        db.destroy("VDI", vdi);
    }

    private void vmStart(String vm, boolean paused, String host) {
        ObjectNode r = db.row("VM", vm);
        if (r.path("is_a_template").asBoolean() || r.path("is_a_snapshot").asBoolean()) {
            throw new XapiFailure("VM_IS_TEMPLATE", vm);
        }
        checkBlocked(vm, "start");
        String state = r.path("power_state").asText();
        if (!state.equals("Halted")) {
            throw new XapiFailure("VM_BAD_POWER_STATE", vm, "halted", state.toLowerCase(Locale.ROOT));
        }
        db.set("VM", vm, "power_state", paused ? "Paused" : "Running");
        db.set("VM", vm, "resident_on", host);
        allowedOperations(vm);
        for (JsonNode v : r.path("VBDs")) {
            if (!db.row("VBD", v.asText()).path("empty").asBoolean()) {
                db.set("VBD", v.asText(), "currently_attached", true);
            }
        }
    }

    private void vmShutdown(String vm, boolean hard) {
        ObjectNode r = db.row("VM", vm);
        checkBlocked(vm, hard ? "hard_shutdown" : "clean_shutdown");
        String state = r.path("power_state").asText();
        if (!(state.equals("Running") || (hard && state.equals("Paused")))) {
            throw new XapiFailure("VM_BAD_POWER_STATE", vm, "running", state.toLowerCase(Locale.ROOT));
        }
        db.set("VM", vm, "power_state", "Halted");
        db.set("VM", vm, "resident_on", StandInDatabase.NULL_REF);
        for (JsonNode v : r.path("VBDs")) {
            db.set("VBD", v.asText(), "currently_attached", false);
        }
        allowedOperations(vm);
    }

    /** VM.pause / VM.unpause (section 4): Running to Paused and back; VM_BAD_POWER_STATE otherwise. */
    private void vmPause(String vm, boolean pause) {
        ObjectNode r = db.row("VM", vm);
        if (r.path("is_a_template").asBoolean() || r.path("is_a_snapshot").asBoolean()) {
            throw new XapiFailure("VM_IS_TEMPLATE", vm);
        }
        String state = r.path("power_state").asText();
        String need = pause ? "Running" : "Paused";
        if (!state.equals(need)) {
            throw new XapiFailure("VM_BAD_POWER_STATE", vm, need.toLowerCase(Locale.ROOT), state.toLowerCase(Locale.ROOT));
        }
        db.set("VM", vm, "power_state", pause ? "Paused" : "Running");
        allowedOperations(vm);
    }

    /** allowed_operations after a power change (xapi_vm_lifecycle.ml allowed_power_states, the calls modelled). */
    private void allowedOperations(String vm) {
        List<String> ops = switch (db.row("VM", vm).path("power_state").asText()) {
            case "Running" -> List.of("clean_shutdown", "hard_shutdown", "pause", "snapshot");
            case "Paused" -> List.of("unpause", "hard_shutdown", "snapshot");
            case "Halted" -> List.of("start", "start_on", "snapshot", "destroy");
            default -> List.of();
        };
        db.set("VM", vm, "allowed_operations", ops);
    }

    private void clearOperation(String vm, String task) {
        if (db.exists("VM", vm)) {
            ObjectNode ops = db.row("VM", vm).path("current_operations").deepCopy();
            ops.remove(task);
            db.set("VM", vm, "current_operations", ops);
        }
    }

    // ---- CBT and NBD (section 4) ----

    /**
     * VDI.enable_cbt / disable_cbt: idempotent; refused on snapshots (OPERATION_NOT_ALLOWED "VDI is a
     * snapshot: ..."), types other than user/system (VDI_INCOMPATIBLE_TYPE), on_boot=reset, and on
     * SMAPIv3 SRs, whose bundled plugin has no VDI_CONFIG_CBT (SR_OPERATION_NOT_SUPPORTED).
     */
    private void vdiCbt(String vdi, boolean enable) {
        ObjectNode r = db.row("VDI", vdi);
        if (r.path("is_a_snapshot").asBoolean()) {
            throw new XapiFailure("OPERATION_NOT_ALLOWED", "VDI is a snapshot: " + r.path("uuid").asText());
        }
        String type = r.path("type").asText();
        if (!type.equals("user") && !type.equals("system")) {
            throw new XapiFailure("VDI_INCOMPATIBLE_TYPE", vdi, type);
        }
        if ("reset".equals(r.path("on_boot").asText())) {
            throw new XapiFailure("VDI_ON_BOOT_MODE_INCOMPATIBLE_WITH_OPERATION");
        }
        String sr = r.path("SR").asText();
        if (storage.isSmapiV3(sr)) {
            throw new XapiFailure("SR_OPERATION_NOT_SUPPORTED", sr);
        }
        if (enable) {
            cbt.enable(vdi);
        } else {
            cbt.disable(vdi);
        }
        db.set("VDI", vdi, "cbt_enabled", enable);
    }

    /**
     * VDI.list_changed_blocks: vdi_to must not be attached (VDI_IN_USE); both in one CBT chain, from
     * older to newer (SR_BACKEND_FAILURE_460 "Source and target VDI are unrelated" otherwise).
     */
    private String listChangedBlocks(String from, String to) {
        for (JsonNode v : db.row("VDI", to).path("VBDs")) {
            if (db.row("VBD", v.asText()).path("currently_attached").asBoolean()) {
                throw new XapiFailure("VDI_IN_USE", to, "list_changed_blocks");
            }
        }
        java.util.BitSet changed = cbt.changed(from, to);
        if (changed == null) {
            throw new XapiFailure("SR_BACKEND_FAILURE_460", "", "Source and target VDI are unrelated", "");
        }
        return StandInCbt.encode(changed, db.row("VDI", to).path("virtual_size").asLong());
    }

    /**
     * VDI.get_nbd_info: refused for cbt_metadata VDIs; an empty set without an NBD network or an
     * attached PBD of the SR; otherwise one entry served by {@link StandInNbd}, with the host's
     * certificate and a DNS name from it as subject.
     */
    private JsonNode nbdInfo(String vdi, String session) {
        ObjectNode r = db.row("VDI", vdi);
        if ("cbt_metadata".equals(r.path("type").asText())) {
            throw new XapiFailure("VDI_INCOMPATIBLE_TYPE", vdi, "cbt_metadata");
        }
        ArrayNode out = N.arrayNode();
        boolean attached = false;
        for (JsonNode pbd : db.row("SR", r.path("SR").asText()).path("PBDs")) {
            attached |= db.row("PBD", pbd.asText()).path("currently_attached").asBoolean();
        }
        if (nbd == null || nbdPurpose == null || !attached) {
            return out;
        }
        StandInNbd.Server s = nbd.serve(vdi, r.path("uuid").asText(), session, storage.backing(vdi));
        ObjectNode e = out.addObject();
        e.put("exportname", s.exportName());
        e.put("address", "127.0.0.1");
        e.put("port", s.port());
        e.put("cert", certificatePem);
        e.put("subject", "localhost");
        return out;
    }

    /**
     * VDI.data_destroy: for a CBT snapshot only (OPERATION_NOT_ALLOWED when not a snapshot,
     * VDI_NO_CBT_METADATA without CBT, VDI_IN_USE while attached): the data goes, the CBT log stays,
     * the type becomes cbt_metadata.
     */
    private void vdiDataDestroy(String vdi) {
        ObjectNode r = db.row("VDI", vdi);
        if (!r.path("is_a_snapshot").asBoolean()) {
            throw new XapiFailure("OPERATION_NOT_ALLOWED", "VDI is not a snapshot: " + r.path("uuid").asText());
        }
        if (!r.path("cbt_enabled").asBoolean()) {
            throw new XapiFailure("VDI_NO_CBT_METADATA", vdi);
        }
        for (JsonNode v : r.path("VBDs")) {
            if (db.row("VBD", v.asText()).path("currently_attached").asBoolean()) {
                throw new XapiFailure("VDI_IN_USE", vdi, "data_destroy");
            }
        }
        if (nbd != null) {
            nbd.stop(vdi);
        }
        if (!"cbt_metadata".equals(r.path("type").asText())) {
            storage.destroyVdi(vdi);
            db.set("VDI", vdi, "type", "cbt_metadata");
        }
    }

    /**
     * VDI.snapshot (section 4): refused for sharable VDIs and on_boot=reset; the snapshot is in the
     * same SR, inherits name, description, type, sharable, other_config, xenstore_data, on_boot,
     * allow_caching and tags, and gets is_a_snapshot, snapshot_of and snapshot_time.
     */
    private String vdiSnapshot(String vdi) {
        ObjectNode r = db.row("VDI", vdi);
        if (r.path("sharable").asBoolean()) {
            throw new XapiFailure("VDI_IS_SHARABLE", vdi);
        }
        if ("reset".equals(r.path("on_boot").asText())) {
            throw new XapiFailure("VDI_ON_BOOT_MODE_INCOMPATIBLE_WITH_OPERATION");
        }
        String time = now();
        String snap = storage.snapshotVdi(vdi, time);
        if (cbt.tracking(vdi)) {
            // The snapshot closes the live CBT log: it holds what was written since the previous one.
            cbt.snapshot(vdi, snap);
            db.set("VDI", snap, "cbt_enabled", true);
        }
        for (String f : new String[] {"name_label", "name_description", "type", "sharable", "other_config",
                "xenstore_data", "on_boot", "allow_caching", "tags"}) {
            db.set("VDI", snap, f, r.get(f));
        }
        db.set("VDI", snap, "is_a_snapshot", true);
        db.set("VDI", snap, "snapshot_of", vdi);
        db.set("VDI", snap, "snapshot_time", time);
        return snap;
    }

    /**
     * VM.snapshot (section 3): allowed in every power state unless blocked; each non-empty Disk VBD's
     * VDI is snapshotted (unless in ignore_vdis), a CD keeps its VDI, an empty VBD stays empty; the
     * snapshot VM is Halted, is_a_snapshot and is_a_template, and its VBDs are unattached copies.
     */
    private String vmSnapshot(String vm, String name, JsonNode ignore) {
        checkBlocked(vm, "snapshot");
        ObjectNode r = db.row("VM", vm);
        String time = now();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name_label", name);
        f.put("name_description", r.path("name_description").asText());
        f.put("is_a_snapshot", true);
        f.put("is_a_template", true);
        f.put("snapshot_of", vm);
        f.put("snapshot_time", time);
        f.put("power_state", "Halted");
        String snap = db.create("VM", f);
        Set<String> skip = new java.util.HashSet<>();
        ignore.forEach(i -> skip.add(i.asText()));
        for (JsonNode v : r.path("VBDs").deepCopy()) {
            ObjectNode vbd = db.row("VBD", v.asText());
            String vdi = vbd.path("VDI").asText();
            boolean disk = vbd.path("type").asText().equals("Disk") && !vbd.path("empty").asBoolean();
            if (disk && skip.contains(vdi)) {
                continue;
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("VM", snap);
            c.put("VDI", disk ? vdiSnapshot(vdi) : vdi);
            for (String k : new String[] {"userdevice", "device", "bootable", "mode", "type", "unpluggable", "empty",
                    "other_config", "qos_algorithm_type", "qos_algorithm_params"}) {
                c.put(k, vbd.get(k));
            }
            if (disk) {
                ObjectNode oc = vbd.get("other_config").deepCopy();
                oc.put("owner", "");
                c.put("other_config", oc);
            }
            db.create("VBD", c);
        }
        return snap;
    }

    /** VM.blocked_operations maps an operation to the error code to answer (xapi_vm_lifecycle.ml). */
    private void checkBlocked(String vm, String op) {
        JsonNode code = db.row("VM", vm).path("blocked_operations").get(op);
        if (code != null) {
            throw new XapiFailure("OPERATION_BLOCKED", vm, code.asText());
        }
    }

    // ---- generic messages from the datamodel ----

    private JsonNode generic(Datamodel.ClassModel cls, Datamodel.Message msg, List<JsonNode> a) {
        String c = cls.name();
        String m = msg.name();
        switch (m) {
            case "get_all_records": {
                ObjectNode o = N.objectNode();
                db.all(c).forEach(o::set);
                return o;
            }
            case "get_all":
                return JSON.valueToTree(new ArrayList<>(db.all(c).keySet()));
            case "get_record":
                return db.get(c, ref(c, a.get(0)));
            case "get_by_uuid":
                return N.textNode(db.refOfUuid(c, a.get(0).asText())
                        .orElseThrow(() -> new XapiFailure("UUID_INVALID", c, a.get(0).asText())));
            case "get_by_name_label": {
                ArrayNode out = N.arrayNode();
                db.all(c).forEach((r, row) -> {
                    if (row.path("name_label").asText().equals(a.get(0).asText())) {
                        out.add(r);
                    }
                });
                return out;
            }
            case "get_all_records_where": {
                ObjectNode o = N.objectNode();
                Where w = Where.parse(a.get(0).asText());
                db.all(c).forEach((r, row) -> {
                    if (w.matches(row)) {
                        o.set(r, row);
                    }
                });
                return o;
            }
            default:
                break;
        }
        for (String prefix : new String[] {"get_", "set_", "add_to_", "remove_from_", "add_", "remove_"}) {
            if (m.startsWith(prefix) && cls.fields().containsKey(m.substring(prefix.length()))) {
                return fieldOp(c, prefix, cls.fields().get(m.substring(prefix.length())), a);
            }
        }
        throw new XapiFailure("NOT_IMPLEMENTED", c + "." + m + " (not modelled by the XAPI stand-in)");
    }

    private JsonNode fieldOp(String c, String op, Datamodel.Field f, List<JsonNode> a) {
        String self = ref(c, a.get(0));
        ObjectNode row = db.row(c, self);
        switch (op) {
            case "get_":
                return row.get(f.name()).deepCopy();
            case "set_":
                db.set(c, self, f.name(), a.get(1));
                return N.textNode("");
            case "add_to_": {
                ObjectNode map = ((ObjectNode) row.get(f.name())).deepCopy();
                if (map.has(a.get(1).asText())) {
                    throw new XapiFailure("MAP_DUPLICATE_KEY", c, f.name(), self, a.get(1).asText());
                }
                map.set(a.get(1).asText(), a.get(2));
                db.set(c, self, f.name(), map);
                return N.textNode("");
            }
            case "remove_from_": {
                ObjectNode map = ((ObjectNode) row.get(f.name())).deepCopy();
                map.remove(a.get(1).asText());
                db.set(c, self, f.name(), map);
                return N.textNode("");
            }
            case "add_": {
                ArrayNode set = ((ArrayNode) row.get(f.name())).deepCopy();
                for (JsonNode e : set) {
                    if (e.equals(a.get(1))) {
                        return N.textNode("");
                    }
                }
                set.add(a.get(1));
                db.set(c, self, f.name(), set);
                return N.textNode("");
            }
            default: {
                ArrayNode set = N.arrayNode();
                row.get(f.name()).forEach(e -> {
                    if (!e.equals(a.get(1))) {
                        set.add(e);
                    }
                });
                db.set(c, self, f.name(), set);
                return N.textNode("");
            }
        }
    }

    // ---- helpers ----

    /** A ref param that must name a live object of {@code cls}: HANDLE_INVALID [class; ref] otherwise. */
    private String ref(String cls, JsonNode n) {
        String r = n == null ? "" : n.asText();
        if (!db.exists(cls, r)) {
            throw new XapiFailure("HANDLE_INVALID", cls, r);
        }
        return r;
    }

    private String canon(String enumName, String value) {
        for (String e : model.enumValues(enumName)) {
            if (e.equalsIgnoreCase(value)) {
                return e;
            }
        }
        throw new XapiFailure("ENUM_INVALID_VALUE", enumName, value);
    }

    /** The record's fields that the class has (constructor records may carry others; they are ignored). */
    private Map<String, Object> fieldsOf(String cls, JsonNode rec) {
        Map<String, Object> f = new LinkedHashMap<>();
        Datamodel.ClassModel cm = model.require(cls);
        rec.fields().forEachRemaining(e -> {
            if (cm.fields().containsKey(e.getKey())) {
                f.put(e.getKey(), e.getValue());
            }
        });
        return f;
    }

    static String now() {
        return XAPI_TIME.format(Instant.now());
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The subset of get_all_records_where's expression language xapi itself uses: field "f"="v" joined by and. */
    private record Where(List<String[]> conditions) {
        private static final Pattern COND = Pattern.compile("\\s*field\\s*\"([^\"]*)\"\\s*=\\s*\"([^\"]*)\"\\s*");

        static Where parse(String expr) {
            List<String[]> cs = new ArrayList<>();
            if (expr.strip().equals("true")) {
                return new Where(cs);
            }
            for (String part : expr.split("\\band\\b")) {
                Matcher m = COND.matcher(part);
                if (!m.matches()) {
                    throw new XapiFailure("INTERNAL_ERROR", "Db_filter: cannot parse \"" + expr + "\"");
                }
                cs.add(new String[] {m.group(1), m.group(2)});
            }
            return new Where(cs);
        }

        boolean matches(ObjectNode row) {
            for (String[] c : conditions) {
                JsonNode v = row.get(c[0]);
                if (v == null || !(v.isTextual() ? v.asText() : v.toString()).equals(c[1])) {
                    return false;
                }
            }
            return true;
        }
    }

    static TextNode text(String s) {
        return N.textNode(s);
    }
}
