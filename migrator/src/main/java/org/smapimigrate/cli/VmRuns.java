package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;
import org.smapimigrate.execute.PlanAbort;
import org.smapimigrate.execute.TargetOpener;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.vm.VmMigration;
import org.smapimigrate.vm.VmPlan;
import org.smapimigrate.vm.VmPlanJson;
import org.smapimigrate.vm.transport.LocalDiskTransport;
import org.smapimigrate.xapi.XapiOperations;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.XapiTasks;

/** 'migrate' of a VM plan: from a file, or planned on the fly and kept in the state directory. */
final class VmRuns {
    private VmRuns() {
    }

    /** {@code migrate --xapi URL --vm ... --target-sr SR}: the plan kept in the state directory, resumed when there. */
    static int onTheFly(MigrateCommand c) throws Exception {
        if (!c.vm.xapi.given() || c.vm.vms == null || c.target.targetSr == null) {
            throw new picocli.CommandLine.ParameterException(c.spec.commandLine(),
                    "a VM migration needs --xapi URL, --vm NAME|UUID... and --target-sr NAME|UUID");
        }
        Path file = c.state.dir.resolve("vm-" + requestId(c) + ".json");
        // A plan whose run never got past its checks is made again: the VM may have been shut down since.
        if (Files.exists(file) && !org.smapimigrate.execute.Journal.read(org.smapimigrate.execute.Journal.beside(file))
                .isEmpty()) {
            return run(c, file, VmPlanJson.read(file));
        }
        if (c.abort) {
            throw new UserError("nothing to abort: no migration of these VMs into this SR is recorded in " + c.state.dir);
        }
        VmPlan p;
        try (XapiSession s = c.vm.xapi.login()) {
            p = VmCli.plan(c.vm, c.target.targetSr.toString(), s);
        }
        if (c.dryRun) {
            VmCli.summary(p, c.spec.commandLine().getOut());
            return VmCli.exitFor(p, c.spec.commandLine().getErr());
        }
        Files.createDirectories(c.state.dir);
        VmPlanJson.write(p, file);
        return run(c, file, p);
    }

    static int run(MigrateCommand c, Path file, VmPlan p) throws Exception {
        PrintWriter out = c.spec.commandLine().getOut();
        PrintWriter err = c.spec.commandLine().getErr();
        if (c.dryRun) {
            VmCli.summary(p, out);
            out.flush();
            return VmCli.exitFor(p, err);
        }
        if (c.vm.xapi.url == null) {
            c.vm.xapi.url = p.xapi();
        }
        boolean quiet = c.output.quiet || c.output.json;
        try (XapiSession s = c.vm.xapi.login();
             ConsoleRunEvents console = new ConsoleRunEvents(err, quiet)) {
            VmMigration m = new VmMigration(p, file, s, VmCli.events(err, quiet));
            if (c.abort) {
                var r = m.abort();
                List<String> destroyed = List.of();
                if (c.destroyCopies) {
                    destroyed = destroyCopies(p, file, s, console);
                    m.copiesDestroyed();
                }
                if (c.output.json) {
                    out.println(CliJson.PRETTY.writeValueAsString(java.util.Map.of("restored", r.restored(),
                            "unblocked", r.unblocked(), "left", r.leftAlone(), "destroyed_volumes", destroyed)));
                } else if (!c.output.quiet) {
                    err.println("rolled back VM plan " + p.id() + ": " + r.restored().size() + " VBDs put back on their"
                            + " old VDIs, blocked operations restored on " + r.unblocked().size() + " VMs"
                            + (r.leftAlone().isEmpty() ? "" : "; left as they are: " + r.leftAlone())
                            + (c.destroyCopies ? "; " + destroyed.size() + " new volumes destroyed"
                            : "; the new VDIs stay (--destroy-copies removes them); source VDIs were never changed"));
                }
                return 0;
            }
            VmMigration.Result r = m.run(VmCli.transport(p, s, console, new LinkedHashSet<>(c.force), file),
                    new LinkedHashSet<>(c.force));
            if (c.output.json) {
                out.println(CliJson.PRETTY.writeValueAsString(r));
                out.flush();
            } else if (!c.output.quiet) {
                VmCli.result(r, err);
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            if (c.output.json && !(e instanceof UserError)) {
                throw new ReportedFailure(e);
            }
            throw e;
        }
    }

    /** The volumes of every disk plan destroyed through the engine's abort, then a scan so XAPI forgets their VDIs. */
    private static List<String> destroyCopies(VmPlan p, Path file, XapiSession s, ConsoleRunEvents console)
            throws IOException {
        List<String> destroyed = new java.util.ArrayList<>();
        for (Plan d : p.diskPlans()) {
            Path f = LocalDiskTransport.planFile(VmMigration.stateDir(file), d);
            if (Files.exists(f)) {
                destroyed.addAll(PlanAbort.run(d, f, TargetOpener.of(d.targetSr(), null,
                        org.smapimigrate.plugin.PluginRoot.DEFAULT_TIME_LIMIT), console).destroyed());
            }
        }
        new XapiOperations(s, new XapiTasks(s)).srScan(s.callForString("SR.get_by_uuid", p.targetSr().uuid()),
                (t, x) -> { });
        return destroyed;
    }

    /** Names the on-the-fly plan of one request: the pool, the VMs (any order) and the target SR. */
    private static String requestId(MigrateCommand c) {
        String req = c.vm.xapi.url + "\n" + String.join("\n", new TreeSet<>(c.vm.vms)) + "\n" + c.target.targetSr;
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(req.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
