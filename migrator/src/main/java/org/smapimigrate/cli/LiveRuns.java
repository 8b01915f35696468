package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.smapimigrate.live.HookCommand;
import org.smapimigrate.live.LivePass;
import org.smapimigrate.live.LivePasses;
import org.smapimigrate.live.LiveResult;
import org.smapimigrate.live.LiveSettings;
import org.smapimigrate.live.LiveTimeline;
import org.smapimigrate.live.LocalController;
import org.smapimigrate.live.SourceController;
import org.smapimigrate.live.TargetVolume;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.report.LiveRunReport;
import org.smapimigrate.report.TerminalText;
import org.smapimigrate.report.live.LiveRunReports;
import org.smapimigrate.report.live.LiveRunView;
import org.smapimigrate.vm.HostRoot;
import org.smapimigrate.vm.transport.TransportEvents;
import picocli.CommandLine;

/**
 * {@code migrate --mode live}: wires a {@link SourceController} (the local file SR with its hooks,
 * or the XAPI pool's VM with every disk it has), the target volumes and the switch-over into
 * {@link LivePasses}, and prints the report (or {@code --json}, on failure too). The pass journal
 * and the local controller's record live in the state directory, named by the disk (the VM) and
 * the target, so the same command run again resumes, and {@code --abort} undoes. The local
 * controller moves one disk: its hooks are told one VDI and one target volume.
 */
final class LiveRuns {
    private LiveRuns() {
    }

    static int run(MigrateCommand c) throws Exception {
        LiveSettings settings = c.live.settings();
        if (c.plan != null || c.sourceUri != null || c.flatten || c.dryRun) {
            throw usage(c, "--mode live takes --sr DIR --vdi UUID (a file SR on this host) or --xapi URL --vm NAME,"
                    + " and a target; not --plan, --source, --flatten or --dry-run");
        }
        if (c.vm.given()) {
            return xapi(c, settings);
        }
        if (c.source.sr == null || c.source.sr.size() != 1 || c.vdis == null || c.vdis.size() != 1) {
            throw usage(c, "--mode live takes one file SR directory (--sr DIR) and one --vdi UUID (the local"
                    + " controller moves one disk per run), or --xapi URL --vm NAME (a VM with all its disks)");
        }
        if (c.live.stopHook == null || c.live.startHook == null) {
            throw usage(c, "--mode live with --sr needs --stop-hook CMD and --start-hook CMD (and --reopen-hook CMD"
                    + " when a process keeps the VDI open)");
        }
        Path srDir = c.source.sr.get(0);
        if (!Files.isDirectory(srDir)) {
            throw new UserError("--sr " + TerminalText.escape(srDir.toString()) + ": not a directory (--mode live"
                    + " with --sr takes a file SR)");
        }
        TargetChoice choice = c.target.choice();
        String disk = c.vdis.get(0);
        Path stateDir = Files.createDirectories(c.state.dir);
        Path journal = stateDir.resolve("live-" + disk + "-" + id(choice.root() + "\n" + choice.volumePlugin() + "\n"
                + choice.configuration()) + ".passes");
        HookCommand reopen = c.live.reopenHook == null ? null : new HookCommand("--reopen-hook", c.live.reopenHook);
        try (LocalController ctl = new LocalController(srDir, stateDir, reopen,
                new HookCommand("--stop-hook", c.live.stopHook), new HookCommand("--start-hook", c.live.startHook))) {
            ctl.forDisk(disk); // the hooks are told the disk even when a resumed run starts before it freezes
            if (!c.abort) {
                ctl.refuseTrackedDisk(disk); // before any change: no journal, no snapshot, no volume
            }
            TargetSr[] target = {null};
            LivePasses.Targets targets = (d, key, size) -> {
                if (target[0] == null) {
                    PluginRoot root = new PluginRoot(choice.root(), c.target.plugins.callLimit());
                    target[0] = choice.bundledSrDir() != null ? TargetSr.openBundled(root, choice.bundledSrDir()).target()
                            : TargetSr.attach(root, choice.volumePlugin(), choice.configuration());
                }
                return TargetVolume.open(target[0], key, d, "live copy of " + d, size);
            };
            LivePasses.SwitchOver local = new LivePasses.SwitchOver() {
                @Override
                public String repoint(Map<String, String> keys, Map<String, String> digests) {
                    return ctl.switchTo(keys.get(disk));
                }

                @Override
                public void repointed(Map<String, String> keys) {
                    ctl.switchTo(keys.get(disk));
                }
            };
            return passes(c, journal, new LivePasses(ctl, disk, journal, targets, local, settings, listener(c, false)));
        }
    }

    private static int xapi(MigrateCommand c, LiveSettings settings) throws Exception {
        if (c.target.targetSr == null) {
            throw usage(c, "--mode live with --xapi needs --target-sr NAME|UUID (the pool's SMAPIv3 SR)");
        }
        String targetName = c.target.targetSr.toString();
        try (LiveXapiSource x = LiveXapiSource.open(c.vm)) {
            List<String> disks = x.disks();
            if (disks.isEmpty()) {
                throw new UserError("VM " + TerminalText.escape(x.vm().nameLabel()) + " has no disk to move (only CD"
                        + " or empty drives)");
            }
            Path pluginRoot = c.target.plugins.root != null ? c.target.plugins.root
                    : HostRoot.of(c.vm.hostRoot).pluginRoot();
            Path stateDir = Files.createDirectories(c.state.dir);
            Path journal = stateDir.resolve("live-vm-" + x.vm().uuid() + "-" + id(targetName) + ".passes");
            TargetSr[] target = {null};
            LivePasses.Targets targets = (d, key, size) -> {
                if (target[0] == null) {
                    target[0] = x.targetSr(targetName, pluginRoot, c.target.plugins.callLimit());
                }
                return TargetVolume.open(target[0], key, d, "live copy of " + d, size);
            };
            PrintWriter err = c.spec.commandLine().getErr();
            boolean quiet = c.output.quiet || c.output.json;
            // Every VBD at once: the offline VM migration's repoint, journaled and rolled back whole.
            LivePasses.SwitchOver repoint = (keys, digests) -> {
                Map<String, String> moved = x.switchOver(x.srUuid(target[0], targetName), keys, digests,
                        stateDir.resolve("live-vm-" + x.vm().uuid()), events(err, quiet));
                List<String> each = new ArrayList<>();
                keys.keySet().forEach(d -> each.add("VDI " + d + " to VDI " + moved.get(d)));
                return "VM " + x.vm().uuid() + " repointed from " + String.join(", ", each);
            };
            return passes(c, journal, new LivePasses(x.controller(), disks, journal, targets, repoint, settings,
                    listener(c, disks.size() > 1)));
        }
    }

    private static int passes(MigrateCommand c, Path journal, LivePasses passes) throws IOException {
        LiveResult r;
        try {
            r = c.abort ? passes.abort() : passes.run();
        } catch (LivePasses.LiveFailure f) {
            report(c, f.result(), journal);
            if (c.output.json) {
                throw new ReportedFailure(f);
            }
            throw f;
        }
        report(c, r, journal);
        return 0;
    }

    private static void report(MigrateCommand c, LiveResult r, Path journal) throws IOException {
        if (c.live.report != null) {
            LiveRunReports.write(LiveRunView.of(r, LiveTimeline.read(journal)), c.live.report);
        }
        if (c.output.json) {
            PrintWriter out = c.spec.commandLine().getOut();
            out.println(CliJson.PRETTY.writeValueAsString(r));
            out.flush();
        } else if (!c.output.quiet) {
            PrintWriter err = c.spec.commandLine().getErr();
            LiveRunReport.lines(r).forEach(err::println);
            err.flush();
        }
    }

    /** Console lines as the run goes; {@code several}: each pass line names its disk. */
    private static LivePasses.Listener listener(MigrateCommand c, boolean several) {
        PrintWriter err = c.spec.commandLine().getErr();
        boolean quiet = c.output.quiet || c.output.json;
        return new LivePasses.Listener() {
            private boolean header;

            @Override
            public void note(String line) {
                if (!quiet) {
                    err.println("smapi-migrate: " + TerminalText.escape(line));
                    err.flush();
                }
            }

            @Override
            public AutoCloseable copying(String disk, int pass, long total, java.util.function.LongSupplier done) {
                return CopyProgress.start((several ? disk.substring(0, Math.min(8, disk.length())) + " " : "") + "pass "
                        + pass, total, done, !quiet);
            }

            @Override
            public void pass(String disk, LivePass p) {
                if (!quiet) {
                    if (!header) {
                        err.println(LiveRunReport.header());
                        header = true;
                    }
                    err.println(LiveRunReport.passLine(p) + (several ? "  disk " + TerminalText.escape(disk) : ""));
                    err.flush();
                }
            }
        };
    }

    private static TransportEvents events(PrintWriter err, boolean quiet) {
        return new TransportEvents() {
            @Override
            public void progress(String sourceVdiUuid, long done, long total) {
            }

            @Override
            public void note(String line) {
                if (!quiet) {
                    err.println("smapi-migrate: " + TerminalText.escape(line));
                    err.flush();
                }
            }
        };
    }

    /** A short stable name for a target in state file names. */
    private static String id(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CommandLine.ParameterException usage(MigrateCommand c, String message) {
        return new CommandLine.ParameterException(c.spec.commandLine(), message);
    }
}
