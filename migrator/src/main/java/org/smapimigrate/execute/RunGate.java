package org.smapimigrate.execute;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.migrate.BundledPluginRoot;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.plan.SpaceMargin;
import org.smapimigrate.plugin.SrStat;
import org.smapimigrate.report.Sizes;

/**
 * The checks a run makes before it changes anything, each refusing with one line that says what
 * to do. Their order follows what they need: the plan's own risks need nothing, the space check
 * needs the target SR attached (attaching changes nothing).
 */
final class RunGate {
    /** The code of the plan's space risk; forcing it also skips the space check before the first write. */
    static final String SPACE_RISK = "target-space-insufficient";

    private RunGate() {
    }

    /**
     * Refuses a plan with an error-level risk whose code {@code accepted} does not name: such a
     * plan leaves a VDI out, or cannot succeed as planned.
     */
    static void risks(Plan plan, Set<String> accepted) throws RunRefused {
        // Causes first: "nothing-to-migrate" is only the consequence of the others.
        List<Risk> blocking = plan.risks().stream()
                .filter(r -> r.severity() == Severity.ERROR && !accepted.contains(r.code()))
                .sorted(java.util.Comparator.comparing(r -> r.code().equals("nothing-to-migrate"))).toList();
        if (blocking.isEmpty()) {
            return;
        }
        Set<String> codes = new LinkedHashSet<>();
        blocking.forEach(r -> codes.add(r.code()));
        Risk first = blocking.get(0);
        throw new RunRefused("the plan holds " + blocking.size() + " error-level risk" + (blocking.size() == 1 ? "" : "s")
                + ", so nothing was written: " + first.code() + ": " + first.message()
                + (blocking.size() > 1 ? " (and " + (blocking.size() - 1) + " more; 'plan' lists them)" : "")
                + " Fix the cause and plan again, or accept " + (codes.size() == 1 ? "it" : "them") + " with --force "
                + String.join(",", codes));
    }

    /**
     * Refuses when the target's free space (SR.stat) is short of {@code need} plus the margin,
     * unless the space risk is accepted. A plugin without SR.stat cannot be asked; the plan said so.
     */
    static void space(TargetSr target, long need, Set<String> accepted) throws IOException {
        if (need <= 0 || accepted.contains(SPACE_RISK) || !target.plugin().has("SR.stat")) {
            return;
        }
        long free = target.plugin().srStat(target.sr()).freeSpace();
        long margin = SpaceMargin.of(need);
        if (need + margin > free) {
            throw new RunRefused("not enough space on " + target.describe() + ": the plan still needs about "
                    + Sizes.human(need) + " plus a margin of " + Sizes.human(margin) + ", the SR has "
                    + Sizes.human(free) + " free; nothing was written. Free space on the SR, migrate fewer VDIs at a"
                    + " time, or accept the risk with --force " + SPACE_RISK);
        }
    }

    /**
     * The bundled SR's directory before the SR exists: the filesystem that will hold it must have
     * the room, or the SR is not even created.
     */
    static void spaceBeforeCreate(Path srDir, long need, Set<String> accepted) throws IOException {
        if (need <= 0 || accepted.contains(SPACE_RISK) || BundledPluginRoot.srExists(srDir)) {
            return;
        }
        Path existing = srDir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        long free = Files.getFileStore(existing).getUsableSpace();
        long margin = SpaceMargin.of(need);
        if (need + margin > free) {
            throw new RunRefused("not enough space for the target SR in " + srDir + ": the plan needs about "
                    + Sizes.human(need) + " plus a margin of " + Sizes.human(margin) + ", the filesystem has "
                    + Sizes.human(free) + " free; nothing was written and no SR was created. Choose another"
                    + " directory, migrate fewer VDIs at a time, or accept the risk with --force " + SPACE_RISK);
        }
    }

    /**
     * After a run that ran out of space, the next one refuses at once while the SR still has less
     * free than that run still needed: copying again would only fill it again.
     */
    static void afterOutOfSpace(JournalEntry failure, TargetSr target) throws IOException {
        if (failure == null || !target.plugin().has("SR.stat")) {
            return;
        }
        SrStat st = target.plugin().srStat(target.sr());
        long needed = failure.bytesNeeded() == null ? 0 : failure.bytesNeeded();
        if (st.freeSpace() < needed) {
            throw new RunRefused("the last run ran out of space on " + target.describe() + " (at " + failure.time()
                    + ", " + Sizes.human(needed) + " still needed) and the SR still has only "
                    + Sizes.human(st.freeSpace()) + " free; nothing was written. Free space on the SR first, then run"
                    + " the same command again");
        }
    }
}
