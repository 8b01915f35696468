package org.smapimigrate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.smapimigrate.live.xapi.XapiSourceController;
import org.smapimigrate.live.xapi.XapiSwitchOver;
import org.smapimigrate.vm.transport.TransportEvents;
import org.smapimigrate.xapi.OneLine;
import org.smapimigrate.xapi.XapiRecords;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.xapi.records.Pbd;
import org.smapimigrate.xapi.records.Sr;
import org.smapimigrate.xapi.records.Vm;
import org.smapimigrate.xapi.records.XapiClass;

/**
 * What {@code migrate --mode live --xapi URL --vm NAME --target-sr SR} needs of the pool, built
 * from the options {@link VmOptions} already declares (no option of its own, so the live command
 * line has one definition of each): the logged-in session, the {@link XapiSourceController} of
 * the one VM, its disks (VDI uuids, for the passes), and the switch-over that registers the
 * volumes and repoints the halted VM ({@link XapiSwitchOver}). Closing it closes the controller
 * (CBT put back once no temporary snapshot is left) and logs out.
 */
public final class LiveXapiSource implements AutoCloseable {
    private final XapiSession session;
    private final XapiSourceController controller;
    private final Vm vm;
    private final List<String> disks;
    private final String url;

    private LiveXapiSource(XapiSession session, Vm vm, String url) throws IOException {
        this.session = session;
        this.vm = vm;
        this.url = url;
        this.controller = new XapiSourceController(session, vm.uuid());
        this.disks = XapiSourceController.disksOf(session, vm.uuid());
    }

    /** Logs in with {@code --xapi ...} and finds the one {@code --vm}; usage errors for anything else. */
    static LiveXapiSource open(VmOptions options) throws IOException {
        if (!options.xapi.given() || options.vms == null || options.vms.size() != 1) {
            throw new UserError("--mode live with XAPI takes --xapi URL and exactly one --vm NAME|UUID");
        }
        XapiSession session = options.xapi.login();
        try {
            return new LiveXapiSource(session, findVm(session, options.vms.get(0)), options.xapi.url);
        } catch (IOException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** A VM (not a template, snapshot or control domain) by uuid or by its one name. */
    static Vm findVm(XapiSession session, String nameOrUuid) throws IOException {
        List<Vm> found = new XapiRecords(session).all(XapiClass.VM).values().stream()
                .filter(v -> !v.isSnapshot() && !v.isTemplate() && !v.isControlDomain())
                .filter(v -> v.uuid().equals(nameOrUuid) || v.nameLabel().equals(nameOrUuid)).toList();
        if (found.size() != 1) {
            throw new UserError("--vm " + OneLine.of(nameOrUuid, 80) + ": " + (found.isEmpty()
                    ? "no VM of that name or uuid in the pool" : found.size() + " VMs have that name; name one by uuid: "
                    + found.stream().map(Vm::uuid).toList()));
        }
        return found.get(0);
    }

    public XapiSourceController controller() {
        return controller;
    }

    /** The VM's disks by VDI uuid, in userdevice order. */
    public List<String> disks() {
        return disks;
    }

    public Vm vm() {
        return vm;
    }

    /**
     * The pool's SMAPIv3 SR {@code nameOrUuid} as a target the passes write into through its
     * volume plugin on this host: the plugin directory of its type under {@code pluginRoot/volume}
     * ({@code org.xen.xapi.storage.TYPE} or {@code TYPE}, as xapi-storage-script names them), attached
     * with the device-config of its plugged PBD.
     */
    public TargetSr targetSr(String nameOrUuid, Path pluginRoot, java.time.Duration callLimit) throws IOException {
        XapiRecords r = new XapiRecords(session);
        List<Sr> found = r.all(XapiClass.SR).values().stream()
                .filter(s -> s.uuid().equals(nameOrUuid) || s.nameLabel().equals(nameOrUuid)).toList();
        if (found.size() != 1) {
            throw new UserError("--target-sr " + OneLine.of(nameOrUuid, 80) + ": " + (found.isEmpty()
                    ? "no SR of that name or uuid in the pool" : found.size() + " SRs have that name; name one by uuid"));
        }
        Sr sr = found.get(0);
        Map<String, String> config = null;
        for (String ref : sr.pbds()) {
            Pbd p = r.get(XapiClass.PBD, ref);
            if (p.currentlyAttached()) {
                config = p.deviceConfig();
                break;
            }
        }
        if (config == null) {
            throw new UserError("--target-sr " + OneLine.of(nameOrUuid, 80) + ": the SR is not plugged on any host"
                    + " (xe pbd-plug)");
        }
        Path volume = pluginRoot.resolve("volume");
        for (String name : List.of("org.xen.xapi.storage." + sr.type(), sr.type())) {
            if (!name.contains("/") && !name.startsWith(".") && java.nio.file.Files.isDirectory(volume.resolve(name))) {
                return TargetSr.attach(new PluginRoot(pluginRoot, callLimit), name, config);
            }
        }
        throw new UserError("--target-sr " + OneLine.of(nameOrUuid, 80) + ": no volume plugin for SR type "
                + OneLine.of(sr.type(), 60) + " under " + volume + " (run on a host of the pool, or give --plugins ROOT)");
    }

    /** The target SR's uuid in the pool, for the switch-over. */
    public String srUuid(TargetSr target, String nameOrUuid) throws IOException {
        return new XapiRecords(session).all(XapiClass.SR).values().stream()
                .filter(s -> s.uuid().equals(nameOrUuid) || s.nameLabel().equals(nameOrUuid)).findFirst()
                .map(Sr::uuid).orElseThrow(() -> new UserError("--target-sr " + OneLine.of(nameOrUuid, 80) + " is gone"));
    }

    /**
     * After the final delta and the verification, with the VM halted: registers the volumes
     * ({@code volumeKeys}: disk uuid to volume key in {@code targetSr}) and repoints the VM. On
     * failure the VBDs are back on the old disks and the caller starts the VM again.
     */
    public Map<String, String> switchOver(String targetSr, Map<String, String> volumeKeys, Map<String, String> digests,
                                          Path stateDir, TransportEvents events) throws IOException {
        Sr sr = new XapiRecords(session).byUuid(XapiClass.SR, targetSr);
        return new XapiSwitchOver(session, url, vm.uuid(), sr.uuid(), stateDir).repoint(volumeKeys, digests, events);
    }

    @Override
    public void close() throws IOException {
        try {
            controller.close();
        } finally {
            session.close();
        }
    }
}
