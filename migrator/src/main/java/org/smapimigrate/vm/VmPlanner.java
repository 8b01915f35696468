package org.smapimigrate.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.migrate.PluginQueryProbe;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.PlanInputException;
import org.smapimigrate.plan.PlanRequest;
import org.smapimigrate.plan.PlanTarget;
import org.smapimigrate.plan.Planner;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.plan.SetMetadata;
import org.smapimigrate.plan.SnapshotInfo;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.TargetCapabilities;
import org.smapimigrate.plan.Throughput;
import org.smapimigrate.plan.VdiSelection;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.xapi.OneLine;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.inventory.SmapiVersion;
import org.smapimigrate.xapi.records.Pbd;
import org.smapimigrate.xapi.records.Sr;
import org.smapimigrate.xapi.records.Vm;

/**
 * {@code plan --xapi URL --vm ... --target-sr NAME|UUID}: a {@link VmPlan}. The disks are
 * planned by the one planner, one disk plan per source SR, with the names, descriptions and
 * snapshot relations XAPI holds (a file SR keeps none of them on disk), so the engine writes them
 * onto the volumes before the scan that makes them VDIs (xapi-integration.md section 3, "SR.scan").
 */
public final class VmPlanner {
    /** What {@code --transport} asks for. */
    public enum TransportChoice { AUTO, LOCAL, XAPI }

    private final XapiSession session;
    private final String url;
    private final HostRoot host;
    private final SourceOpener opener;
    private final Duration callLimit;

    public VmPlanner(XapiSession session, String url, HostRoot host, SourceOpener opener, Duration callLimit) {
        this.session = session;
        this.url = url;
        this.host = host;
        this.opener = opener;
        this.callLimit = callLimit;
    }

    /** @throws PlanInputException one line, for a VM or SR that is not there or named ambiguously */
    public VmPlan plan(List<String> vmNames, String targetSrName, TransportChoice choice) throws IOException {
        PoolRecords pool = PoolRecords.read(session);
        List<Vm> named = new ArrayList<>();
        for (String n : vmNames) {
            List<Vm> found = pool.vmsNamed(n);
            if (found.isEmpty()) {
                throw new PlanInputException("--vm " + OneLine.of(n, 80) + ": no VM of that name or uuid in the pool"
                        + " (snapshots, templates and control domains are not VMs to move)");
            }
            if (found.size() > 1) {
                throw new PlanInputException("--vm " + OneLine.of(n, 80) + ": " + found.size()
                        + " VMs have that name; name one by uuid: " + found.stream().map(Vm::uuid).toList());
            }
            if (named.stream().noneMatch(v -> v.ref().equals(found.get(0).ref()))) {
                named.add(found.get(0));
            }
        }
        Sr target = targetSr(pool, targetSrName);
        Pbd targetPbd = pool.attachedPbd(target);
        if (targetPbd == null) {
            throw new PlanInputException("--target-sr " + OneLine.of(targetSrName, 80) + ": the SR is not attached on"
                    + " this host (no plugged PBD); plug it (xe pbd-plug) and plan again");
        }
        VmDiscovery d = new VmDiscovery(pool, host);
        d.discover(named);
        String pluginDir = pluginDirectory(target.type());
        boolean sourcesVisible = d.sources.values().stream().allMatch(s -> s.invisibleBecause() == null);
        VmPlan.Transport transport = transport(choice, sourcesVisible, pluginDir, target.type());
        boolean local = VmPlan.Transport.LOCAL.equals(transport.kind());
        d.invisibleSources(local);
        if (local && pluginDir == null) {
            d.risksAdd(new Risk(Severity.ERROR, "target-plugin-missing", target.uuid(), "the volume plugin of SR type "
                    + OneLine.of(target.type(), 60) + " is not under " + host.pluginRoot().resolve("volume"),
                    "Run on a host of the pool, or use --transport xapi."));
        }
        List<Plan> diskPlans = new ArrayList<>();
        List<VmPlan.PlannedDisk> disks = d.disks;
        List<Risk> risks = new ArrayList<>(d.risks);
        if (local && pluginDir != null && sourcesVisible) {
            PlanTarget where = new PlanTarget(host.pluginRoot().toString(), pluginDir, targetPbd.deviceConfig(), null);
            TargetCapabilities caps = capabilities(where, target);
            disks = new ArrayList<>();
            for (VmDiscovery.SourceSr src : d.sources.values()) {
                List<VmPlan.PlannedDisk> mine = d.disks.stream().filter(x -> x.sr().equals(src.uuid())).toList();
                Plan p = diskPlan(src, mine, caps, where, risks);
                if (p == null) {
                    continue;
                }
                diskPlans.add(p);
                risks.addAll(p.risks());
            }
            for (VmPlan.PlannedDisk x : d.disks) {
                disks.add(withVolume(x, diskPlans));
            }
        }
        // Each disk plan says what concerns the whole target (e.g. block sharing unknown): once is enough.
        risks = new ArrayList<>(new java.util.LinkedHashSet<>(risks));
        risks.sort(java.util.Comparator.comparing(r -> -r.severity().ordinal()));
        return new VmPlan(VmPlan.FORMAT, UUID.randomUUID().toString(), url,
                new VmPlan.PoolSr(target.uuid(), target.nameLabel(), target.type()), transport, host.toString(),
                d.vms, disks, diskPlans, risks);
    }

    private Sr targetSr(PoolRecords pool, String name) throws PlanInputException {
        List<Sr> found = pool.srsNamed(name);
        if (found.size() != 1) {
            throw new PlanInputException("--target-sr " + OneLine.of(name, 80) + ": " + (found.isEmpty()
                    ? "no SR of that name or uuid in the pool" : found.size() + " SRs have that name; give its uuid"));
        }
        Sr sr = found.get(0);
        if (pool.smapi(sr) != SmapiVersion.V3) {
            throw new PlanInputException("--target-sr " + OneLine.of(name, 80) + ": SR type " + OneLine.of(sr.type(), 40)
                    + " is not a SMAPIv3 plugin; the target must be a SMAPIv3 SR");
        }
        return sr;
    }

    /**
     * The plugin directory of an SR type under the host's plugin root: xapi-storage-script names
     * them {@code org.xen.xapi.storage.TYPE} (smapiv3-interface.md section 1); a directory named
     * as the type itself is taken too. Null when neither is there.
     */
    private String pluginDirectory(String type) {
        Path volume = host.pluginRoot().resolve("volume");
        for (String name : List.of("org.xen.xapi.storage." + type, type)) {
            if (!name.contains("/") && !name.startsWith(".") && Files.isDirectory(volume.resolve(name))) {
                return name;
            }
        }
        return null;
    }

    private static VmPlan.Transport transport(TransportChoice choice, boolean sourcesVisible, String pluginDir,
                                              String type) {
        return switch (choice) {
            case LOCAL -> new VmPlan.Transport(VmPlan.Transport.LOCAL, "asked for (--transport local)");
            case XAPI -> new VmPlan.Transport(VmPlan.Transport.XAPI, "asked for (--transport xapi)");
            case AUTO -> sourcesVisible && pluginDir != null
                    ? new VmPlan.Transport(VmPlan.Transport.LOCAL, "every source SR and the target plugin are visible"
                    + " on this host")
                    : new VmPlan.Transport(VmPlan.Transport.XAPI, sourcesVisible ? "the plugin of SR type "
                    + OneLine.of(type, 40) + " is not on this host" : "a source SR is not visible on this host");
        };
    }

    private TargetCapabilities capabilities(PlanTarget where, Sr target) throws IOException {
        TargetCapabilities probed = new PluginQueryProbe(new PluginRoot(Path.of(where.pluginRoot()), callLimit),
                where.volumePlugin(), null).probe();
        return new TargetCapabilities("SR '" + OneLine.of(target.nameLabel(), 60) + "' (" + target.uuid() + "), "
                + probed.description(), probed.features(), probed.methods(), target.free(), target.physicalSize(),
                probed.sharesBlocks(), probed.cloneFromSnapshotOnly());
    }

    /** One engine plan for the VDIs of one source SR, named and related as XAPI has them. */
    private Plan diskPlan(VmDiscovery.SourceSr src, List<VmPlan.PlannedDisk> all, TargetCapabilities caps,
                          PlanTarget where, List<Risk> risks) throws IOException {
        Map<String, VmPlan.PlannedDisk> byUuid = new LinkedHashMap<>();
        List<VmPlan.PlannedDisk> disks = new ArrayList<>();
        try (StorageRepository sr = opener.open(src.paths())) {
            for (VmPlan.PlannedDisk x : all) {
                if (sr.inventory().vdi(x.vdi()) == null) {
                    risks.add(new Risk(Severity.ERROR, "vdi-not-on-sr", x.vdi(), "VDI " + x.vdi() + " is in XAPI's"
                            + " database but not on SR " + src.uuid() + " as this host reads it",
                            "Run an SR scan (xe sr-scan) and plan again."));
                } else {
                    disks.add(x);
                }
            }
        }
        if (disks.isEmpty()) {
            return null;
        }
        disks.forEach(x -> byUuid.put(x.vdi(), x));
        Map<String, SnapshotInfo> snapshots = new LinkedHashMap<>();
        for (VmPlan.PlannedDisk x : disks) {
            snapshots.put(x.vdi(), new SnapshotInfo(x.isASnapshot(), x.snapshotOf(), x.snapshotTime()));
        }
        try (StorageRepository sr = opener.open(src.paths())) {
            SrInventory inv = sr.inventory();
            List<VdiEntry> named = new ArrayList<>();
            for (VdiEntry v : inv.vdis()) {
                VmPlan.PlannedDisk x = byUuid.get(v.uuid());
                named.add(x == null ? v : new VdiEntry(v.uuid(), v.role(), v.hidden(), v.virtualSize(),
                        v.allocatedBytes(), v.parent(), v.depth(), v.path(), v.lv(), x.nameLabel(),
                        x.nameDescription(), v.readable(), v.format()));
            }
            SrInventory withNames = new SrInventory(inv.path(), inv.type(), inv.uuid(), inv.nameLabel(), named,
                    inv.leftovers(), inv.problems());
            PluginQueryProbe probe = new PluginQueryProbe(new PluginRoot(Path.of(where.pluginRoot()), callLimit),
                    where.volumePlugin(), null);
            probe.probe();
            Plan p = Planner.plan(new PlanRequest(withNames, snapshots, VdiSelection.of(List.copyOf(byUuid.keySet())),
                            caps, Throughput.assumed().withCallCost(probe.callSeconds()), false))
                    .forRun(UUID.randomUUID().toString(), src.paths().stream().map(x -> x.toAbsolutePath()
                            .normalize().toString()).toList(), where);
            return asXapiHasThem(p, byUuid);
        }
    }

    /**
     * The metadata steps with XAPI's values exactly: name and description as XAPI holds them (an
     * empty description stays empty) and {@code vdi-type} the VDI's type, which XAPI's scan reads
     * back (xapi-integration.md section 3 table; #6596: always write it).
     */
    private static Plan asXapiHasThem(Plan p, Map<String, VmPlan.PlannedDisk> byUuid) {
        List<Step> steps = new ArrayList<>();
        for (Step s : p.steps()) {
            VmPlan.PlannedDisk x = s instanceof SetMetadata m && "vdi".equals(m.keys().get(VolumeKeys.PURPOSE))
                    ? byUuid.get(m.owner()) : null;
            if (x == null) {
                steps.add(s);
                continue;
            }
            SetMetadata m = (SetMetadata) s;
            Map<String, String> keys = new LinkedHashMap<>(m.keys());
            if (x.type() != null && !x.type().isBlank()) {
                keys.put(VolumeKeys.VDI_TYPE, x.type());
            }
            steps.add(new SetMetadata(m.id(), m.after(), m.volume(), m.owner(), x.nameLabel(), x.nameDescription(), keys,
                    m.snapshotOf()));
        }
        return new Plan(p.format(), p.id(), p.source(), p.target(), p.targetSr(), p.throughput(), p.strategy(),
                p.strategyReason(), p.totals(), p.nodes(), steps, p.risks());
    }

    /** The disk plan and step that make the volume of {@code x}'s VDI. */
    private static VmPlan.PlannedDisk withVolume(VmPlan.PlannedDisk x, List<Plan> plans) {
        for (Plan p : plans) {
            for (Step s : p.steps()) {
                if (s instanceof SetMetadata m && m.owner().equals(x.vdi())
                        && "vdi".equals(m.keys().get(VolumeKeys.PURPOSE))) {
                    return new VmPlan.PlannedDisk(x.vdi(), x.sr(), x.nameLabel(), x.nameDescription(), x.virtualSize(),
                            x.type(), x.isASnapshot(), x.snapshotOf(), x.snapshotTime(), x.tags(), x.otherConfig(),
                            p.id(), m.volume());
                }
            }
        }
        return x;
    }
}
