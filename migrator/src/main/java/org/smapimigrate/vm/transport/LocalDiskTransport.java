package org.smapimigrate.vm.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.execute.Journal;
import org.smapimigrate.execute.JournalEntry;
import org.smapimigrate.execute.PausePoint;
import org.smapimigrate.execute.PlanExecutor;
import org.smapimigrate.execute.RunEvents;
import org.smapimigrate.execute.RunOptions;
import org.smapimigrate.execute.StateDirectory;
import org.smapimigrate.execute.TargetOpener;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.PlanJson;
import org.smapimigrate.plan.SetMetadata;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.VerifyVolume;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.vm.SourceOpener;
import org.smapimigrate.xapi.XapiSession;

/**
 * The local transport: the disk plans run by the one engine ({@link PlanExecutor}: copy, verify,
 * then names, descriptions and the keys XAPI's scan reads, written onto each volume), then
 * {@code SR.scan} and each new VDI found by location = volume key in the target SR
 * ({@link ScannedVolumes}).
 *
 * <p>Idempotent: each disk plan keeps its plan file and journal in the state directory (a rerun
 * resumes it, or only rechecks a finished one), and a scan finds volumes already known.
 */
public final class LocalDiskTransport implements DiskTransport {
    private final XapiSession session;
    private final String targetSrUuid;
    private final List<Plan> diskPlans;
    private final SourceOpener opener;
    private final RunEvents runEvents;
    private final RunOptions options;
    private final Duration callLimit;
    private final String tool;
    private final Map<String, String> digests = new LinkedHashMap<>();
    private final PausePoint pause = PausePoint.configured();

    public LocalDiskTransport(XapiSession session, String targetSrUuid, List<Plan> diskPlans, SourceOpener opener,
                              RunEvents runEvents, RunOptions options, Duration callLimit, String tool) {
        this.session = session;
        this.targetSrUuid = targetSrUuid;
        this.diskPlans = List.copyOf(diskPlans);
        this.opener = opener;
        this.runEvents = runEvents;
        this.options = options;
        this.callLimit = callLimit;
        this.tool = tool;
    }

    /** The plan file of a disk plan in the state directory. */
    public static Path planFile(Path stateDir, Plan p) {
        return stateDir.resolve("disks-" + p.id() + ".json");
    }

    @Override
    public Map<String, String> move(List<DiskToMove> disks, Path stateDir, TransportEvents events) throws IOException {
        Files.createDirectories(stateDir);
        Map<String, String> keys = new LinkedHashMap<>();
        for (Plan p : diskPlans) {
            Path file = planFile(stateDir, p);
            if (!Files.exists(file)) {
                PlanJson.write(p, file); // once: the journal belongs to these exact bytes
            }
            try (StorageRepository sr = opener.open(p.source().paths().stream().map(Path::of).toList())) {
                new PlanExecutor(p, file, sr, TargetOpener.of(p.targetSr(), null, callLimit),
                        StateDirectory.manifestsOf(file), tool, runEvents, options).run();
            }
            keys.putAll(volumeKeys(p, Journal.read(Journal.beside(file))));
        }
        ScannedVolumes volumes = new ScannedVolumes(session, targetSrUuid);
        volumes.scan(events);
        PausePoint.reached(pause, "vm-scanned", "1");
        return volumes.find(disks, keys, events);
    }

    /** The whole-disk digest each verified volume holds, by source VDI uuid, once {@link #move} ran. */
    @Override
    public Map<String, String> digests() {
        return Map.copyOf(digests);
    }

    /** Source VDI uuid to volume key, from the disk plan's journal (the volume-making step's line). */
    private Map<String, String> volumeKeys(Plan p, List<JournalEntry> journal) {
        Map<String, String> byStep = new LinkedHashMap<>();
        Map<String, String> digestByStep = new LinkedHashMap<>();
        for (JournalEntry e : journal) {
            if (JournalEntry.ABORTED.equals(e.record())) {
                byStep.clear();
                digestByStep.clear();
            } else if (JournalEntry.STEP.equals(e.record())) {
                if (e.volumeKey() != null) {
                    byStep.put(e.step(), e.volumeKey());
                }
                if (e.digest() != null) {
                    digestByStep.put(e.step(), e.digest());
                }
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Step s : p.steps()) {
            if (s instanceof SetMetadata m && "vdi".equals(m.keys().get(VolumeKeys.PURPOSE))) {
                out.put(m.owner(), byStep.get(m.volume()));
                for (Step v : p.steps()) {
                    if (v instanceof VerifyVolume vv && vv.volume().equals(m.volume()) && digestByStep.containsKey(v.id())) {
                        digests.put(m.owner(), digestByStep.get(v.id()));
                    }
                }
            }
        }
        return out;
    }
}
