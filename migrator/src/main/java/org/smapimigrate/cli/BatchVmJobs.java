package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.smapimigrate.batch.BatchRun;
import org.smapimigrate.batch.Job;
import org.smapimigrate.batch.VolumeMigration;
import org.smapimigrate.batch.VolumeState;
import org.smapimigrate.execute.Journal;
import org.smapimigrate.execute.JournalEntry;
import org.smapimigrate.execute.RunEvents;
import org.smapimigrate.execute.RunOptions;
import org.smapimigrate.execute.SourceLimit;
import org.smapimigrate.plan.PlanInputException;
import org.smapimigrate.plan.Step;
import org.smapimigrate.vm.HostRoot;
import org.smapimigrate.vm.VmMigration;
import org.smapimigrate.vm.VmPlan;
import org.smapimigrate.vm.VmPlanJson;
import org.smapimigrate.vm.VmPlanner;
import org.smapimigrate.vm.transport.DiskTransport;
import org.smapimigrate.vm.transport.LocalDiskTransport;
import org.smapimigrate.vm.transport.XapiDiskTransport;
import org.smapimigrate.xapi.XapiRecords;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.records.Vbd;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.Vm;
import org.smapimigrate.xapi.records.XapiClass;

/**
 * The jobs of a batch whose source is VMs of a pool ({@code source: { xapi: ... }}): each VM (with
 * its snapshots) is one unit of the batch, claimed and recorded like a volume ({@code sr} is the
 * pool's address, {@code vdi} the VM's uuid), and moved by the VM migration 'migrate --xapi URL
 * --vm NAME --target-sr SR' runs: planned once (the plan kept in the job's engine directory, so a
 * killed run resumes from its journal), disks copied and verified, registered and repointed. The
 * password is read from the job's password file or XAPI_PASSWORD at each login, never written.
 *
 * <p>The digest recorded for a VM is SHA-256 over its moved disks' lines {@code SOURCE NEW DIGEST}
 * (the verified whole-disk digest XAPI keeps in each new VDI's other_config). A VM recorded done is
 * checked against the pool: none of its VBDs (nor its snapshots') still uses a moved source VDI,
 * and the new VDIs still carry the digests recorded.
 */
final class BatchVmJobs implements VolumeMigration {
    private final Path hostRoot;
    private final Duration callLimit;
    private final Function<Job, SourceLimit> limits;

    BatchVmJobs(Path hostRoot, Duration callLimit, Function<Job, SourceLimit> limits) {
        this.hostRoot = hostRoot;
        this.callLimit = callLimit;
        this.limits = limits;
    }

    /** The job's VMs, by uuid, as the pool lists them now; problems (a VM not there) in {@code problems}. */
    List<BatchRun.Volume> list(Job job, List<String> problems) {
        Job.Xapi x = job.xapi();
        List<BatchRun.Volume> out = new ArrayList<>();
        try (XapiSession s = login(x)) {
            XapiRecords r = new XapiRecords(s);
            Map<String, Vm> vms = r.all(XapiClass.VM);
            List<Vm> real = vms.values().stream().filter(v -> !v.isControlDomain() && !v.isSnapshot()
                    && !v.isTemplate()).toList();
            Set<String> uuids = new LinkedHashSet<>();
            if (x.sr() != null) {
                Map<String, Vbd> vbds = r.all(XapiClass.VBD);
                Map<String, Vdi> vdis = r.all(XapiClass.VDI);
                var srs = r.all(XapiClass.SR).values().stream().filter(sr -> sr.uuid().equalsIgnoreCase(x.sr())
                        || sr.nameLabel().equals(x.sr())).toList();
                if (srs.size() != 1) {
                    problems.add(job.name() + ": source.xapi.sr " + oneLine(x.sr()) + ": " + (srs.isEmpty()
                            ? "no SR of that name or uuid in the pool" : srs.size() + " SRs have that name; name one by uuid"));
                    return List.of();
                }
                String srRef = srs.get(0).ref();
                for (Vm vm : real) {
                    for (String vbd : vm.vbds()) {
                        Vbd b = vbds.get(vbd);
                        Vdi d = b == null || b.empty() ? null : vdis.get(b.vdi());
                        if (d != null && srRef.equals(d.sr())) {
                            uuids.add(vm.uuid());
                        }
                    }
                }
            }
            for (String n : x.vms()) {
                List<Vm> found = real.stream().filter(v -> v.uuid().equalsIgnoreCase(n) || v.nameLabel().equals(n))
                        .toList();
                if (found.size() == 1) {
                    uuids.add(found.get(0).uuid());
                } else {
                    problems.add(job.name() + ": VM " + oneLine(n) + ": " + (found.isEmpty()
                            ? "no VM of that name or uuid in the pool" : found.size()
                            + " VMs have that name; name one by uuid"));
                }
            }
            uuids.forEach(u -> out.add(new BatchRun.Volume(x.url(), u)));
        } catch (IOException | RuntimeException e) {
            problems.add(job.name() + ": the pool " + oneLine(x.url()) + " cannot be listed: "
                    + oneLine(String.valueOf(e.getMessage())));
        }
        return out;
    }

    @Override
    public Done migrate(Job job, String sr, String vm, Path engineState) throws IOException {
        Path file = planFile(job, vm, engineState);
        try (XapiSession s = login(job.xapi())) {
            VmPlan p = plan(job, vm, file, s);
            Set<String> force = new LinkedHashSet<>(job.force());
            AtomicLong written = new AtomicLong();
            VmMigration.Result r = new VmMigration(p, file, s, VmCli.events(new PrintWriter(new StringWriter()), true))
                    .run(transport(job, p, s, file, force, written), force);
            return new Done(digest(s, r.vdis()), written.get());
        }
    }

    @Override
    public boolean stillDone(Job job, VolumeState recorded, Path engineState) throws IOException {
        Path file = planFile(job, recorded.vdi(), engineState);
        if (!Files.exists(file)) {
            return false;
        }
        try (XapiSession s = login(job.xapi())) {
            VmPlan p = VmPlanJson.read(file);
            VmMigration.Result r = new VmMigration(p, file, s, VmCli.events(new PrintWriter(new StringWriter()), true))
                    .run(transport(job, p, s, file, Set.copyOf(job.force()), new AtomicLong()), Set.copyOf(job.force()));
            XapiRecords records = new XapiRecords(s);
            Map<String, Vbd> vbds = records.all(XapiClass.VBD);
            Map<String, Vdi> vdis = records.all(XapiClass.VDI);
            for (VmPlan.PlannedVm planned : p.vms()) {
                Vm now = records.byUuid(XapiClass.VM, planned.uuid());
                for (String vbd : now.vbds()) {
                    Vbd b = vbds.get(vbd);
                    Vdi d = b == null || b.empty() ? null : vdis.get(b.vdi());
                    if (d != null && r.vdis().containsKey(d.uuid())) {
                        return false; // a VBD is on a moved source VDI again
                    }
                }
            }
            return digest(s, r.vdis()).equals(recorded.digest());
        }
    }

    /** The VM's plan in the job's engine directory, named by the pool, the VM and the target SR. */
    private static Path planFile(Job job, String vm, Path engineState) {
        String req = job.xapi().url() + "\n" + vm + "\n" + job.poolSr();
        try {
            String h = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(req.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
            return engineState.resolve("vm-" + h + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The plan kept for this VM, or a new one (one whose run never got past its checks is made again). */
    private VmPlan plan(Job job, String vm, Path file, XapiSession s) throws IOException {
        if (Files.exists(file) && !Journal.read(Journal.beside(file)).isEmpty()) {
            return VmPlanJson.read(file);
        }
        VmPlanner.TransportChoice choice = job.xapi().transport() == null ? VmPlanner.TransportChoice.AUTO
                : job.xapi().transport().equals("xapi") ? VmPlanner.TransportChoice.XAPI
                : VmPlanner.TransportChoice.LOCAL;
        VmPlan p;
        try {
            p = new VmPlanner(s, job.xapi().url(), HostRoot.of(hostRoot), paths -> SourceRepositories.open(paths),
                    callLimit).plan(List.of(vm), job.poolSr(), choice);
        } catch (PlanInputException e) {
            throw new IOException(e.getMessage(), e);
        }
        Files.createDirectories(file.getParent());
        VmPlanJson.write(p, file);
        return p;
    }

    /**
     * The plan's transport: local runs the disk plans through the one engine, with the job's
     * bandwidth limit on every source read; xapi moves the data through XAPI's HTTP handlers,
     * where no limit is offered, so a job with a bandwidth refuses it.
     */
    private DiskTransport transport(Job job, VmPlan p, XapiSession s, Path file, Set<String> force, AtomicLong written)
            throws IOException {
        if (VmPlan.Transport.LOCAL.equals(p.transport().kind())) {
            RunEvents counting = new RunEvents() {
                @Override
                public void stepDone(Step step, JournalEntry entry) {
                    if (entry.bytesWritten() != null) {
                        written.addAndGet(entry.bytesWritten());
                    }
                }
            };
            RunOptions options = new RunOptions(force, "smapi-migrate batch run (VM " + p.id() + ")")
                    .withSourceLimit(limits.apply(job));
            return new LocalDiskTransport(s, p.targetSr().uuid(), p.diskPlans(), paths -> SourceRepositories.open(paths),
                    counting, options, callLimit, new Version().getVersion()[0]);
        }
        if (job.bandwidth().isPresent()) {
            throw new IOException("the plan moves the disks through XAPI's HTTP handlers (transport xapi), which take"
                    + " no bandwidth limit; run the job on a pool host (transport: local) or leave bandwidth out");
        }
        return new XapiDiskTransport(s, p.targetSr().uuid());
    }

    /** SHA-256 over the sorted lines SOURCE NEW DIGEST, the digest from each new VDI's other_config. */
    private static String digest(XapiSession s, Map<String, String> moved) throws IOException {
        XapiRecords records = new XapiRecords(s);
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(moved).entrySet()) {
            Vdi v = records.byUuid(XapiClass.VDI, e.getValue());
            b.append(e.getKey()).append(' ').append(e.getValue()).append(' ')
                    .append(v.otherConfig().getOrDefault(VmMigration.DIGEST_KEY, "-")).append('\n');
        }
        try {
            return "vm-disks-sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A session as 'migrate --xapi' logs in, from the job's settings; the password from its file or the environment. */
    private static XapiSession login(Job.Xapi x) throws IOException {
        XapiOptions o = new XapiOptions();
        o.url = x.url();
        o.user = x.user() == null ? org.smapimigrate.xapi.XapiCredentials.DEFAULT_USER : x.user();
        o.passwordFile = x.passwordFile();
        o.caFile = x.ca();
        o.fingerprint = x.fingerprint();
        return o.login();
    }

    /** Pool and job-file text for a message: control characters replaced, at most 120 characters. */
    private static String oneLine(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 120 ? t.substring(0, 120) + "…" : t;
    }
}
