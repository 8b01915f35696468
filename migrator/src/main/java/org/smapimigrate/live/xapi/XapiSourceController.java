package org.smapimigrate.live.xapi;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.live.ChangedRanges;
import org.smapimigrate.live.FrozenState;
import org.smapimigrate.live.PowerEvent;
import org.smapimigrate.live.SourceController;
import org.smapimigrate.live.StopPolicy;
import org.smapimigrate.xapi.OneLine;
import org.smapimigrate.xapi.XapiException;
import org.smapimigrate.xapi.XapiOperations;
import org.smapimigrate.xapi.XapiRecords;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.XapiTasks;
import org.smapimigrate.xapi.XapiTimeoutException;
import org.smapimigrate.xapi.cbt.ChangedBlocks;
import org.smapimigrate.xapi.nbd.NbdServerInfo;
import org.smapimigrate.xapi.nbd.VdiNbdExport;
import org.smapimigrate.xapi.records.Vbd;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.Vm;
import org.smapimigrate.xapi.records.XapiClass;

/**
 * The live source behind XAPI, for one VM (xapi-integration.md section 4, "a plausible live
 * sequence"):
 * <ul>
 * <li>{@link #freeze}: {@code VDI.snapshot} of the running disk. Before the first one, the disk's
 *     {@code other_config} gets the key {@value #MARK_KEY} recording its original
 *     {@code cbt_enabled}, then {@code VDI.enable_cbt}. A snapshot inherits other_config
 *     atomically (section 4), so every temporary snapshot carries the mark from birth, and a run
 *     killed inside {@code VDI.snapshot} leaves no snapshot that {@link #recover} cannot find.</li>
 * <li>{@link #open}: {@code VDI.get_nbd_info} and NBD over TLS to xapi-nbd, trusting exactly the
 *     certificate the answer carries ({@link VdiNbdExport}); the export name never leaves it.</li>
 * <li>{@link #changedBetween}: {@code VDI.list_changed_blocks}, 64 KiB blocks. vdi_to must not be
 *     attached, and xapi-nbd attaches what it serves: so {@link #quiet} lists the final delta at
 *     once, before anything can open the quiet disk, and {@link #changedBetween} answers from that.</li>
 * <li>{@link #release}: {@code VDI.destroy}, not {@code data_destroy}: data_destroy keeps a
 *     {@code cbt_metadata} VDI behind to list from later, but every list is made before its older
 *     state is released, so such VDIs would only be left over. Only a snapshot of the disk that
 *     carries the mark is ever destroyed.</li>
 * <li>{@link #stop}: {@code VM.clean_shutdown} waited for at most the policy's timeout;
 *     {@code VM.hard_shutdown} after it only when the policy forces; {@link #start}:
 *     {@code VM.start_on} the host the VM ran on (else {@code VM.start}).</li>
 * <li>{@link #close}: when no marked snapshot of a disk is left (the run finished, failed
 *     cleanly or was aborted), its original {@code cbt_enabled} is put back and the mark removed;
 *     while some remain (a run to resume), both stay, so the CBT chain stays whole.</li>
 * </ul>
 */
public final class XapiSourceController implements SourceController {
    /** other_config key on a disk while a live run uses it; its value records the original cbt_enabled. */
    public static final String MARK_KEY = "smapi-migrate.live";
    static final String CBT_WAS = "cbt-was=";

    private final XapiSession session;
    private final XapiOperations ops;
    private final XapiRecords records;
    private final String vmUuid;
    private final Set<String> touched = new LinkedHashSet<>();
    /** The newest frozen state per disk, for {@link #quiet}'s early list. */
    private final Map<String, FrozenState> newest = new HashMap<>();
    /** Lists made early, by "older id / newer id". */
    private final Map<String, ChangedRanges> listed = new HashMap<>();
    private String host;

    public XapiSourceController(XapiSession session, String vmUuid) {
        this.session = session;
        this.ops = new XapiOperations(session, new XapiTasks(session));
        this.records = new XapiRecords(session);
        this.vmUuid = vmUuid;
    }

    /**
     * The VDI uuids of the VM's disks, in userdevice order, chosen as the offline VM migration
     * chooses them (VmDiscovery): Disk VBDs that are not empty and have a VDI; CD drives and empty
     * drives are left alone; a VDI behind two VBDs counts once. A disk the offline migration would
     * refuse (missing, not managed, a {@code cbt_metadata} VDI, encrypted) refuses the live run
     * too, naming the device.
     */
    public static List<String> disksOf(XapiSession session, String vmUuid) throws IOException {
        XapiRecords r = new XapiRecords(session);
        Vm vm = r.byUuid(XapiClass.VM, vmUuid);
        List<Vbd> vbds = new ArrayList<>();
        for (String ref : vm.vbds()) {
            vbds.add(r.get(XapiClass.VBD, ref));
        }
        vbds.sort(java.util.Comparator.comparingInt((Vbd b) -> b.userdevice().matches("\\d{1,3}")
                ? Integer.parseInt(b.userdevice()) : 1000).thenComparing(Vbd::userdevice).thenComparing(Vbd::uuid));
        Set<String> out = new LinkedHashSet<>();
        for (Vbd b : vbds) {
            if (!b.isDisk() || b.empty() || b.vdi() == null || b.vdi().equals("OpaqueRef:NULL")) {
                continue;
            }
            Vdi v = r.get(XapiClass.VDI, b.vdi());
            if (!v.isMigratable() || v.isEncrypted()) {
                throw new IOException("VM " + vmUuid + ", device " + OneLine.of(b.userdevice(), 20) + ": VDI " + v.uuid()
                        + " is " + (v.isEncrypted() ? "encrypted (sm_config key_hash)" : v.missing() ? "missing"
                        : !v.managed() ? "not managed" : "of type " + OneLine.of(v.type(), 40)) + " and cannot be"
                        + " moved; plan the VM (smapi-migrate plan --vm) to see what blocks it");
            }
            out.add(v.uuid());
        }
        return List.copyOf(out);
    }

    @Override
    public String describe() {
        return "XAPI pool at " + session.endpoint() + ", VM " + vmUuid;
    }

    @Override
    public FrozenState freeze(String disk) throws IOException {
        Vdi v = records.byUuid(XapiClass.VDI, disk);
        boolean cbtWas = track(v);
        String snap = ops.vdiSnapshot(v.ref());
        Vdi s = records.get(XapiClass.VDI, snap);
        FrozenState state = new FrozenState(disk, s.uuid(), false, s.virtualSize(), Instant.now(),
                Map.of("cbt-was", String.valueOf(cbtWas)));
        newest.put(disk, state);
        return state;
    }

    /** Marks the disk (once) and turns CBT on; returns the original cbt_enabled. */
    private boolean track(Vdi v) throws IOException {
        touched.add(v.uuid());
        String mark = v.otherConfig().get(MARK_KEY);
        boolean was;
        if (mark != null && mark.startsWith(CBT_WAS)) {
            was = Boolean.parseBoolean(mark.substring(CBT_WAS.length()));
        } else {
            was = v.cbtEnabled();
            Map<String, String> oc = new TreeMap<>(v.otherConfig());
            oc.put(MARK_KEY, CBT_WAS + was);
            ops.vdiSetOtherConfig(v.ref(), oc); // before enable_cbt: the original is recorded first
        }
        if (!v.cbtEnabled()) {
            ops.vdiEnableCbt(v.ref());
        }
        return was;
    }

    @Override
    public FrozenState quiet(String disk) throws IOException {
        Vm vm = records.byUuid(XapiClass.VM, vmUuid);
        if (!vm.isHalted()) {
            throw new IOException("VM " + vmUuid + " is " + vm.powerState() + ": the disk " + disk
                    + " is quiet only once the VM is halted");
        }
        Vdi v = records.byUuid(XapiClass.VDI, disk);
        FrozenState quiet = new FrozenState(disk, disk, true, v.virtualSize(), Instant.now(), Map.of());
        FrozenState last = newest.get(disk);
        if (last != null) {
            // List before anything reads the quiet disk: reading it over NBD attaches it (section 4).
            listed.put(last.id() + "/" + disk, list(last, quiet));
        }
        return quiet;
    }

    @Override
    public VirtualDisk open(FrozenState state) throws IOException {
        Vdi v = records.byUuid(XapiClass.VDI, state.id());
        List<NbdServerInfo> infos = ops.vdiGetNbdInfo(v.ref(), v.uuid());
        if (infos.isEmpty()) {
            throw new IOException("VDI.get_nbd_info(" + v.uuid() + ") answered no server: no network has the nbd"
                    + " purpose on a host that sees the SR; add it (xe network-param-add uuid=... param-name=purpose"
                    + " param-key=nbd) and run again");
        }
        IOException last = null;
        for (NbdServerInfo info : infos) {
            try {
                VdiNbdExport export = VdiNbdExport.open(info);
                if (export.size() != state.size()) {
                    long size = export.size();
                    export.close();
                    throw new IOException(info + " serves " + size + " bytes for VDI " + v.uuid() + ", whose state"
                            + " has " + state.size());
                }
                return export;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no NBD server of VDI " + v.uuid() + " could be read (" + infos.size() + " tried); last: "
                + OneLine.of(String.valueOf(last.getMessage()), 300), last);
    }

    @Override
    public ChangedRanges changedBetween(FrozenState older, FrozenState newer) throws IOException {
        ChangedRanges early = listed.remove(older.id() + "/" + newer.id());
        return early != null ? early : list(older, newer);
    }

    private ChangedRanges list(FrozenState older, FrozenState newer) throws IOException {
        Vdi from = records.byUuid(XapiClass.VDI, older.id());
        Vdi to = records.byUuid(XapiClass.VDI, newer.id());
        if (!from.sr().equals(to.sr())) {
            // XAPI does not check this (xen-api #3516 is open) and passes vdi_to's SR to the backend.
            throw new IOException("VDI.list_changed_blocks(" + from.uuid() + ", " + to.uuid() + "): the two VDIs are in"
                    + " different SRs; changed blocks are only known within one SR");
        }
        ChangedBlocks cb = ops.vdiListChangedBlocks(from.ref(), to.ref(), newer.size(), from.uuid() + ", " + to.uuid());
        ChangedRanges.Builder b = new ChangedRanges.Builder(newer.size(), ChangedBlocks.BLOCK_SIZE);
        for (int i = 0; i < cb.count(); i++) {
            b.add(cb.start(i), cb.end(i) - cb.start(i));
        }
        ChangedRanges r = b.build();
        if (newer.size() > older.size()) {
            r = r.union(new ChangedRanges.Builder(newer.size(), ChangedBlocks.BLOCK_SIZE)
                    .add(older.size(), newer.size() - older.size()).build());
        }
        return r;
    }

    @Override
    public void release(FrozenState state) throws IOException {
        if (state.quiet()) {
            return;
        }
        String ref;
        try {
            ref = records.refOf(XapiClass.VDI, state.id());
        } catch (XapiException e) {
            if (e.is("UUID_INVALID") || e.is(XapiException.HANDLE_INVALID)) {
                return; // released before
            }
            throw e;
        }
        Vdi s = records.get(XapiClass.VDI, ref);
        String disk = records.refOf(XapiClass.VDI, state.disk());
        if (!s.isASnapshot() || !s.snapshotOf().equals(disk) || !s.otherConfig().containsKey(MARK_KEY)) {
            throw new IOException("VDI " + s.uuid() + " is not a temporary snapshot of " + state.disk() + " made by a live"
                    + " migration (no " + MARK_KEY + " mark): it is left alone");
        }
        ops.vdiDestroy(ref);
    }

    @Override
    public PowerEvent stop(StopPolicy policy) throws IOException {
        Vm vm = records.byUuid(XapiClass.VM, vmUuid);
        Instant requested = Instant.now();
        if (vm.isHalted()) {
            return new PowerEvent("stop", requested, Instant.now(), "already-halted");
        }
        host = vm.residentOn();
        try {
            ops.vmCleanShutdown(vm.ref(), policy.timeout());
            return new PowerEvent("stop", requested, Instant.now(), "clean");
        } catch (XapiTimeoutException e) {
            if (ops.vmPowerState(vm.ref()).equalsIgnoreCase(Vm.HALTED)) {
                return new PowerEvent("stop", requested, Instant.now(), "clean");
            }
            if (!policy.force()) {
                throw new IOException("VM " + vmUuid + " did not shut down cleanly within " + policy.timeout().toSeconds()
                        + " s and is still " + ops.vmPowerState(vm.ref()) + "; the switch-over is abandoned. Give"
                        + " --force-shutdown to hard-stop it after the timeout, or allow a longer shutdown", e);
            }
            ops.vmHardShutdown(vm.ref());
            return new PowerEvent("stop", requested, Instant.now(), "forced");
        }
    }

    @Override
    public PowerEvent start() throws IOException {
        Vm vm = records.byUuid(XapiClass.VM, vmUuid);
        Instant requested = Instant.now();
        if (!vm.isHalted()) {
            return new PowerEvent("start", requested, Instant.now(), "already-" + vm.powerState().toLowerCase(java.util.Locale.ROOT));
        }
        if (host != null && !host.equals("OpaqueRef:NULL")) {
            ops.vmStartOn(vm.ref(), host, false, false);
            return new PowerEvent("start", requested, Instant.now(), "started-on-same-host");
        }
        ops.vmStart(vm.ref(), false, false);
        return new PowerEvent("start", requested, Instant.now(), "started");
    }

    @Override
    public List<FrozenState> recover(String disk) throws IOException {
        Vdi v = records.byUuid(XapiClass.VDI, disk);
        List<FrozenState> out = new ArrayList<>();
        for (String ref : v.snapshots()) {
            Vdi s = records.get(XapiClass.VDI, ref);
            String mark = s.otherConfig().get(MARK_KEY);
            if (mark != null) {
                touched.add(disk);
                out.add(new FrozenState(disk, s.uuid(), false, s.virtualSize(), s.snapshotTime(),
                        Map.of("cbt-was", mark.startsWith(CBT_WAS) ? mark.substring(CBT_WAS.length()) : "unknown")));
            }
        }
        return out;
    }

    /** Puts each touched disk's CBT and other_config back once no temporary snapshot of it is left. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (String disk : touched) {
            try {
                restore(disk);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void restore(String disk) throws IOException {
        Vdi v = records.byUuid(XapiClass.VDI, disk);
        for (String ref : v.snapshots()) {
            if (records.get(XapiClass.VDI, ref).otherConfig().containsKey(MARK_KEY)) {
                return; // a run to resume: keep the CBT chain whole
            }
        }
        String mark = v.otherConfig().get(MARK_KEY);
        if (mark == null) {
            return;
        }
        boolean was = Boolean.parseBoolean(mark.substring(Math.min(mark.length(), CBT_WAS.length())));
        if (!was && v.cbtEnabled()) {
            ops.vdiDisableCbt(v.ref());
        }
        Map<String, String> oc = new TreeMap<>(v.otherConfig());
        oc.remove(MARK_KEY);
        ops.vdiSetOtherConfig(v.ref(), oc);
    }
}
