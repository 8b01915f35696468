package org.smapimigrate.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.smapimigrate.chain.VhdChain;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.report.Sizes;

/**
 * {@code plan --mode live}: adds to an offline plan the forecast of each running disk
 * ({@link LiveModel}) and the risks an admin weighs before a live migration. Pure: the write
 * rates come in measured or given.
 *
 * <p>The disks forecast are the migrated user VDIs not known to be snapshots: a VM writes only to
 * those. Snapshots and base copies never change, so they cost one copy as offline.
 */
public final class LivePlanner {
    /** Passes tried when saying how many --max-passes would reach --switch-below. */
    static final int SEARCH_LIMIT = ForecastSettings.MAX_MAX_PASSES;

    private LivePlanner() {
    }

    /**
     * @param rates per VDI, a measured write rate; a VDI without one gets {@code settings.writeRate()}
     */
    public static Plan plan(Plan plan, ForecastSettings settings, Map<String, Long> rates) {
        Map<String, SourceNode> byUuid = new HashMap<>();
        plan.nodes().forEach(n -> byUuid.put(n.uuid(), n));
        List<LiveForecast> disks = new ArrayList<>();
        List<Risk> risks = new ArrayList<>();
        Throughput tp = plan.throughput();
        for (SourceNode n : plan.nodes()) {
            if (!running(n)) {
                continue;
            }
            if ("raw".equals(n.format())) {
                risks.add(new Risk(Severity.ERROR, "live-raw-vdi", n.uuid(), "a raw VDI has no differencing layers:"
                        + " it cannot be snapshotted as SM does, so it cannot be copied while it runs",
                        "migrate it offline (stop the VM, then plain 'migrate'), or leave it out with --vdi"));
                continue;
            }
            long rate = rates.getOrDefault(n.uuid(), settings.writeRate());
            ForecastSettings s = settings.withWriteRate(rate, settings.writeRateBasis());
            long allocated = chainAllocated(n, byUuid);
            LiveForecast f = LiveModel.forecast(n.uuid(), allocated, n.virtualSize(), tp, s);
            disks.add(f);
            risks.addAll(risksOf(f, n, s, tp, plan, byUuid));
        }
        if (!disks.isEmpty()) {
            risks.addAll(planRisks(plan, settings, disks));
        }
        return plan.withLive(new LivePlan(settings, LiveModel.ASSUMPTION, disks), risks);
    }

    /** A disk a running VM writes: migrated, visible, not a known snapshot. */
    public static boolean running(SourceNode n) {
        return n.disposition() == NodeDisposition.MIGRATED && "user".equals(n.role()) && !n.hidden()
                && !Boolean.TRUE.equals(n.isASnapshot());
    }

    /** Allocated bytes of the whole chain (an upper bound where layers overlap), at most the disk. */
    public static long chainAllocated(SourceNode leaf, Map<String, SourceNode> byUuid) {
        long sum = 0;
        int guard = 0;
        for (SourceNode n = leaf; n != null && guard++ <= byUuid.size(); n = n.parent() == null ? null
                : byUuid.get(n.parent())) {
            sum += n.allocatedBytes();
        }
        return Math.min(sum, leaf.virtualSize());
    }

    private static List<Risk> risksOf(LiveForecast f, SourceNode n, ForecastSettings s, Throughput tp, Plan plan,
                                      Map<String, SourceNode> byUuid) {
        List<Risk> out = new ArrayList<>();
        String rate = Sizes.rate(f.writeRate());
        String copy = Sizes.rate(tp.bytesPerSecond());
        String downtime = seconds(f.downtimeSeconds());
        if (!f.converges() && f.stop().equals(LiveForecast.MAX_PASSES)) {
            out.add(new Risk(Severity.WARNING, "live-will-not-converge", n.uuid(), "the VM writes " + rate
                    + ", not less than the copy rate " + copy + ": no pass is shorter than the one before, so after"
                    + " --max-passes " + s.maxPasses() + " the VM is stopped with " + Sizes.human(f.finalBytes())
                    + " still to copy, about " + downtime + " down",
                    "migrate it offline (stop the VM, then plain 'migrate'): the downtime is then one copy; or"
                            + " migrate when the VM writes less, or over a faster path (measure it with"
                            + " 'smapi-migrate bench', give it as --throughput)"));
        } else if (f.stop().equals(LiveForecast.MAX_PASSES)) {
            int needed = LiveModel.passesNeeded(n.uuid(), f.allocatedBytes(), f.virtualBytes(), tp, s, SEARCH_LIMIT);
            out.add(new Risk(Severity.WARNING, "live-max-passes", n.uuid(), "the passes do not reach --switch-below "
                    + s.switchBelow().describe() + " within --max-passes " + s.maxPasses() + ": the VM is stopped"
                    + " with " + Sizes.human(f.finalBytes()) + " still to copy, about " + downtime + " down",
                    needed > 0 && n.depth() + needed < VhdChain.SM_MAX_CHAIN_SIZE ? "give --max-passes " + needed
                            + " (the forecast reaches --switch-below then), or a larger --switch-below"
                            : "give a larger --switch-below: at this write rate the passes level off above it"));
        }
        int freezes = f.passes().size();
        if (n.depth() + freezes >= VhdChain.SM_MAX_CHAIN_SIZE) {
            out.add(new Risk(Severity.ERROR, "live-chain-too-long", n.uuid(), "its chain is " + n.depth()
                    + " images deep and each pass's snapshot adds one: " + freezes + " passes reach SM's limit of "
                    + VhdChain.SM_MAX_CHAIN_SIZE + " images (SnapshotChainTooLong)",
                    "let SM's garbage collector coalesce the chain first (sr-scan), or give fewer --max-passes"));
        } else if (n.depth() + s.maxPasses() >= VhdChain.SM_MAX_CHAIN_SIZE) {
            out.add(new Risk(Severity.WARNING, "live-chain-depth", n.uuid(), "its chain is " + n.depth()
                    + " images deep and each pass's snapshot adds one: --max-passes " + s.maxPasses()
                    + " would reach SM's limit of " + VhdChain.SM_MAX_CHAIN_SIZE + " if every pass runs",
                    "give --max-passes " + Math.max(1, VhdChain.SM_MAX_CHAIN_SIZE - n.depth() - 1)
                            + " or less, or let SM's garbage collector coalesce the chain first"));
        }
        long related = plan.nodes().stream().filter(o -> !o.uuid().equals(n.uuid())
                && (n.uuid().equals(o.snapshotOf()) || sharesRoot(o, n, byUuid))
                && o.disposition() == NodeDisposition.MIGRATED).count();
        if (related > 0) {
            out.add(new Risk(Severity.INFO, "live-has-snapshots", n.uuid(), "it has " + related + " snapshot"
                    + (related == 1 ? "" : "s") + " or clone" + (related == 1 ? "" : "s")
                    + " in this plan; they do not change while it runs, so they are copied once, as offline; only"
                    + " this disk is copied in passes",
                    "nothing; a snapshot taken during the migration is not migrated: take none until it ends"));
        }
        if (f.checkSeconds() >= f.downtimeSeconds() / 2 && f.downtimeSeconds() >= 10) {
            out.add(new Risk(Severity.INFO, "live-downtime-is-the-check", n.uuid(), "of the " + downtime
                    + " downtime, " + seconds(f.checkSeconds())
                    + " is the switch-over's check of the whole disk against the stopped source (" + Sizes.human(
                            f.verifyBytes()) + " read and " + Sizes.human(f.virtualBytes())
                    + " hashed on each side), not the last delta",
                    "accept it (it is the proof that the target equals the source) or plan the switch-over for a"
                            + " quiet hour"));
        }
        return out;
    }

    private static boolean sharesRoot(SourceNode a, SourceNode b, Map<String, SourceNode> byUuid) {
        String ra = root(a, byUuid);
        return ra != null && ra.equals(root(b, byUuid)) && !a.uuid().equals(b.uuid())
                && "user".equals(a.role());
    }

    private static String root(SourceNode n, Map<String, SourceNode> byUuid) {
        int guard = 0;
        SourceNode at = n;
        while (at.parent() != null && byUuid.containsKey(at.parent()) && guard++ <= byUuid.size()) {
            at = byUuid.get(at.parent());
        }
        return at.parent() == null && at != n ? at.uuid() : null;
    }

    private static List<Risk> planRisks(Plan plan, ForecastSettings s, List<LiveForecast> disks) {
        List<Risk> out = new ArrayList<>();
        if ("lvm".equals(plan.source().type())) {
            out.add(new Risk(Severity.ERROR, "live-needs-file-sr", null, "the local live controller snapshots file"
                    + " SRs only (as SM's FileVDI does); this SR is LVM-based",
                    "migrate a running VM on an LVM SR through the pool (XAPI's VDI.snapshot and CBT), or offline"));
        } else {
            out.add(new Risk(Severity.INFO, "live-no-cbt", null, "the passes find what changed from the sector"
                    + " bitmaps of the VHD layers each pass's snapshot adds (exact to the 512-byte sector), not from"
                    + " CBT, which this controller neither needs nor reads",
                    "nothing; each snapshot leaves a hidden base copy in the SR that SM's garbage collector coalesces"
                            + " afterwards (the chain is a few layers deeper until it does)"));
        }
        String basis = s.writeRateBasis();
        if (basis.startsWith("measured")) {
            out.add(new Risk(Severity.INFO, "live-write-rate-sampled", null, "the write rate was " + basis + ":"
                    + " it counts only sectors written for the first time in the active layer, so rewrites are"
                    + " missed, and a short sample misses peaks (backups, batch jobs)",
                    "give --write-rate with the peak rate the VM's monitoring shows, if it is higher"));
            if (disks.stream().allMatch(d -> d.writeRate() == 0)) {
                out.add(new Risk(Severity.WARNING, "live-write-rate-zero", null, "no disk grew during the sample:"
                        + " the VM is idle, not running, or only rewrites sectors it wrote before",
                        "give --write-rate, or sample longer (--sample-seconds) while the VM works"));
            }
        }
        return out;
    }

    /** Seconds as people read them: hundredths below one, tenths below ten, whole below a minute. */
    public static String seconds(double s) {
        if (s < 60) {
            return String.format(Locale.ROOT, s < 1 ? "%.2f s" : s < 10 ? "%.1f s" : "%.0f s", s);
        }
        return org.smapimigrate.report.plan.Durations.human((long) Math.ceil(s));
    }
}
