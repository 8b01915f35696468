package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.lvm.LvmCorpus;
import org.smapimigrate.migrate.BundledPluginRoot;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.Risk;
import org.smapimigrate.plan.PlanJson;
import org.smapimigrate.plan.Step;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;
import org.smapimigrate.testing.Corpus;

/**
 * Making and running plans against the bundled SR in tests, and judging the result by the
 * corpus manifests alone: each volume read back through its datapath, plain SHA-256 of its
 * first virtual_size bytes against {@code expected_sha256}.
 */
final class PlanRuns {
    static final String FILE_SR = "file-sr/b0fca227-5603-4f8a-b1be-036360633f13";

    private PlanRuns() {
    }

    static Path fileSr() {
        return Corpus.path(FILE_SR);
    }

    /** {@code expected_sha256} of every VDI of both corpus SRs, by uuid. */
    static Map<String, String> expectedSha256() {
        Map<String, String> out = new HashMap<>();
        for (JsonNode e : Corpus.manifest().get("entries")) {
            String uuid = e.path("vdi_uuid").asText();
            String path = e.path("path").asText();
            // The VDI's own file, not a leftover (.vhd.new, OLD_) naming the same VDI.
            if (path.equals(FILE_SR + "/" + uuid + ".vhd") || path.equals(FILE_SR + "/" + uuid + ".raw")) {
                out.put(uuid, e.get("expected_sha256").asText());
            }
        }
        for (JsonNode v : LvmCorpus.sr().get("vdis")) {
            out.put(v.get("uuid").asText(), v.get("expected_sha256").asText());
        }
        return out;
    }

    /** {@code plan --sr ... --target-sr target -o file [extra...]}; returns the plan written. */
    static Plan plan(Path file, Path target, List<String> sr, String... extra) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        List<String> args = new ArrayList<>(List.of("plan", "--sr"));
        args.addAll(sr);
        args.addAll(List.of("--target-sr", target.toString(), "-o", file.toString()));
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        Plan plan = PlanJson.read(file);
        exitsForItsRisks(r, errorCodes(plan));
        return plan;
    }

    /** The distinct codes of a plan's error-level risks. */
    static List<String> errorCodes(Plan plan) {
        return plan.risks().stream().filter(x -> x.severity() == Severity.ERROR).map(Risk::code).distinct().toList();
    }

    /**
     * 'plan' exits 0 when its plan holds no error-level risk; otherwise 1, naming each code and
     * the --force that would accept them.
     */
    static void exitsForItsRisks(CliRun r, List<String> errorCodes) {
        if (errorCodes.isEmpty()) {
            assertEquals(0, r.exitCode(), r.err());
            return;
        }
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("--force " + String.join(",", errorCodes)), r.err());
    }

    /** The corpus file SR holds a VDI in the middle of a leaf-coalesce: a whole-SR plan leaves it out, an error. */
    static final List<String> FILE_SR_ERRORS = List.of("interrupted-leaf-coalesce");

    /**
     * {@code migrate --plan file --json} in this JVM, accepting the plan's error-level risks by
     * name as an admin would after reading them; returns the event lines.
     */
    static List<JsonNode> migrate(Path planFile) throws IOException {
        List<String> codes = errorCodes(PlanJson.read(planFile));
        List<String> args = new ArrayList<>(List.of("migrate", "--plan", planFile.toString(), "--json"));
        if (!codes.isEmpty()) {
            args.addAll(List.of("--force", String.join(",", codes)));
        }
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err() + r.out());
        return events(r.out());
    }

    static List<JsonNode> events(String lines) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        ObjectMapper m = new ObjectMapper();
        for (String l : lines.split("\n")) {
            if (!l.isBlank()) {
                out.add(m.readTree(l));
            }
        }
        return out;
    }

    static JsonNode last(List<JsonNode> events, String event) {
        JsonNode found = null;
        for (JsonNode e : events) {
            if (event.equals(e.get("event").asText())) {
                found = e;
            }
        }
        assertTrue(found != null, "no " + event + " event in " + events);
        return found;
    }

    static TargetSr target(Path dir) throws IOException {
        return TargetSr.bundled(new PluginRoot(BundledPluginRoot.find(), Duration.ofSeconds(60)), dir);
    }

    static List<Volume> volumes(Path dir) throws IOException {
        TargetSr t = target(dir);
        return t.plugin().srLs(t.sr());
    }

    /**
     * The target holds exactly the plan's volumes (one per volume-making step, no other), all
     * complete and marked with the plan's id; returns them by the step that made them.
     */
    static Map<String, Volume> exactlyThePlannedVolumes(Plan plan, Path dir) throws IOException {
        Set<String> makers = new HashSet<>();
        for (Step s : plan.steps()) {
            if (s.volume().equals(s.id())) {
                makers.add(s.id());
            }
        }
        Map<String, Volume> byStep = new HashMap<>();
        for (Volume v : volumes(dir)) {
            String step = VolumeKeys.ours(v.keys()).get(VolumeKeys.MADE_BY_STEP);
            assertEquals(plan.id(), VolumeKeys.ours(v.keys()).get(VolumeKeys.PLAN), v.key() + " " + v.keys());
            assertEquals(VolumeKeys.COMPLETE, VolumeKeys.stateOf(v.keys()), v.key() + " " + v.keys());
            assertTrue(byStep.put(step, v) == null, "two volumes made by " + step);
        }
        assertEquals(makers, byStep.keySet(), "the volumes in the SR are the planned ones");
        return byStep;
    }

    /**
     * Reads every VDI volume back through its datapath and checks plain SHA-256 of its first
     * virtual_size bytes against the corpus manifest; returns how many were checked.
     */
    static int volumesHoldTheExpectedDisks(Path dir, Map<String, Long> sizes) throws Exception {
        TargetSr t = target(dir);
        Map<String, String> expected = expectedSha256();
        int checked = 0;
        for (Volume listed : t.plugin().srLs(t.sr())) {
            if (!"vdi".equals(VolumeKeys.ours(listed.keys()).get(VolumeKeys.PURPOSE))) {
                continue;
            }
            String vdi = VolumeKeys.ours(listed.keys()).get(VolumeKeys.SOURCE_VDI);
            Volume v = t.plugin().volumeStat(t.sr(), listed.key());
            try (VolumeAttachment a = VolumeAttachment.attach(t.root(), v, VolumeAttachment.dom0Domain("test"));
                 VirtualDisk disk = a.openReader(sizes.get(vdi))) {
                assertEquals(expected.get(vdi), Corpus.sha256(disk), "volume " + v.key() + " of VDI " + vdi);
            }
            checked++;
        }
        return checked;
    }

    /** Source VDI sizes from the plan's nodes. */
    static Map<String, Long> sizes(Plan plan) {
        Map<String, Long> out = new HashMap<>();
        plan.nodes().forEach(n -> out.put(n.uuid(), n.virtualSize()));
        return out;
    }

    /**
     * Runs {@code migrate --plan} as a child JVM that pauses at {@code pause} (see the
     * executor's PausePoint), kills it with SIGKILL once it says so, and returns its output.
     */
    static String killedAt(Path planFile, String pause, Path log) throws Exception {
        return stoppedAt(planFile, pause, log, false);
    }

    /** As {@link #killedAt}, but with SIGINT (Ctrl-C): the JVM runs its shutdown hooks and exits 130. */
    static String interruptedAt(Path planFile, String pause, Path log) throws Exception {
        return stoppedAt(planFile, pause, log, true);
    }

    private static String stoppedAt(Path planFile, String pause, Path log, boolean sigint) throws Exception {
        List<String> codes = errorCodes(PlanJson.read(planFile));
        return stoppedAt(List.of("migrate", "--plan", planFile.toString(), "-q", "--force",
                codes.isEmpty() ? "none" : String.join(",", codes)), pause, log, sigint);
    }

    /** Runs the command line {@code args} as a child JVM, pausing at {@code pause}, then SIGKILL or SIGINT. */
    static String stoppedAt(List<String> args, String pause, Path log, boolean sigint) throws Exception {
        return stoppedAt(args, pause, log, sigint, () -> { });
    }

    /** As above, running {@code whilePaused} (e.g. reading the process list) before the signal. */
    static String stoppedAt(List<String> args, String pause, Path log, boolean sigint, WhilePaused whilePaused)
            throws Exception {
        List<String> cmd = ChildJvm.smapiMigrate(List.of("-Dsmapi-migrate.test.pause=" + pause), args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            for (int i = 0; i < 1200 && p.isAlive(); i++) {
                if (Files.readString(log).contains("smapi-migrate: test pause: ")) {
                    break;
                }
                Thread.sleep(100);
            }
            String out = Files.readString(log);
            assertTrue(p.isAlive() && out.contains("smapi-migrate: test pause: "), "the run reached " + pause + ": "
                    + out);
            whilePaused.run();
            if (sigint) {
                assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
            } else {
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM is gone");
            assertEquals(sigint ? 130 : 137, p.exitValue(), sigint ? "stopped by SIGINT" : "killed by SIGKILL");
            return Files.readString(log);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Work done while a child run waits at its pause point. */
    @FunctionalInterface
    interface WhilePaused {
        void run() throws Exception;
    }
}
