package org.smapimigrate.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.smapimigrate.live.LiveSettings;
import org.smapimigrate.live.StopPolicy;
import org.smapimigrate.plan.SwitchBelow;
import org.smapimigrate.report.live.LiveRunReports;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options of 'migrate --mode live' (issue 13), declared once. */
final class LiveOptions {
    static final String DEFAULT_SWITCH_BELOW = "64M";
    /** The longest pass a run may wait for: a day. */
    static final long MAX_SECONDS = 86_400;

    /** The command these options are part of, for its usage errors. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--switch-below", paramLabel = "BYTES|SECONDS", defaultValue = DEFAULT_SWITCH_BELOW,
            description = "--mode live: switch over after a pass that changed at most BYTES (64M, 1.5G, ...) or"
                    + " took at most SECONDS (2s, 0.5s, 10sec); as 'plan --mode live' reads it, but not 0."
                    + " Default: ${DEFAULT-VALUE}.")
    String switchBelow;

    @Option(names = "--max-passes", paramLabel = "N", defaultValue = "8",
            description = "--mode live: passes before the switch-over at most, pass 0 included (default:"
                    + " ${DEFAULT-VALUE}). With a file SR each pass adds one layer to the VDI's chain until SM's"
                    + " garbage collector coalesces it.")
    int maxPasses;

    @Option(names = "--shutdown-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "--mode live: how long the clean stop of the switch-over may take (default:"
                    + " ${DEFAULT-VALUE}); then the switch-over is abandoned and the source keeps running,"
                    + " unless --force-shutdown.")
    long shutdownTimeout;

    @Option(names = "--force-shutdown",
            description = "--mode live: when the clean stop times out, force it (VM.hard_shutdown, or the stop hook"
                    + " with SMAPI_MIGRATE_ACTION=force-stop). Never done without this option.")
    boolean forceShutdown;

    @Option(names = "--reopen-hook", paramLabel = "CMD",
            description = "--mode live with --sr: shell command that pauses (SMAPI_MIGRATE_ACTION=pause: close the"
                    + " leaf, stop writing) and unpauses (unpause: reopen it by name) the process writing the VDI,"
                    + " as tap-ctl pause/unpause; run around each snapshot.")
    String reopenHook;

    @Option(names = "--stop-hook", paramLabel = "CMD",
            description = "--mode live with --sr: shell command that stops the writer for the switch-over"
                    + " (SMAPI_MIGRATE_ACTION=stop, or force-stop); exit 0 once it has closed the disk.")
    String stopHook;

    @Option(names = "--start-hook", paramLabel = "CMD",
            description = "--mode live with --sr: shell command that starts the writer again"
                    + " (SMAPI_MIGRATE_ACTION=start), after the switch-over or on its old disk after a failure.")
    String startHook;

    @Option(names = "--report", paramLabel = "FILE",
            description = "--mode live: also write the run's report here, HTML or Markdown by the name (run.html,"
                    + " run.md): each disk's passes with a bar chart, the downtime and its parts, the verification,"
                    + " the snapshots, and on failure why and where the VM was left. Written on failure too.")
    Path report;

    LiveSettings settings() {
        if (report != null && !LiveRunReports.knows(report)) {
            throw usage("--report " + shown(report.toString()) + ": name it .html or .md to choose the format");
        }
        if (maxPasses < 1 || maxPasses > 64) {
            throw usage("--max-passes takes 1 to 64, not " + maxPasses);
        }
        if (shutdownTimeout < 1) {
            throw usage("--shutdown-timeout takes a positive number of seconds, not " + shutdownTimeout);
        }
        StopPolicy stop = new StopPolicy(Duration.ofSeconds(shutdownTimeout), forceShutdown);
        SwitchBelow below;
        try {
            below = SwitchBelow.parse(switchBelow);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        // The plan may forecast with 0 (never below), the run may not: 0 bytes waits for a pass
        // that changed nothing, 0 s for a pass that took no time, so every run would go to
        // --max-passes and stop the VM after the largest delta it could have avoided.
        if (below.bytes() != null) {
            if (below.bytes() == 0) {
                throw usage("--switch-below " + shown(switchBelow) + ": a size must be at least 1 byte (e.g. 64M)");
            }
            return new LiveSettings(below.bytes(), null, maxPasses, stop);
        }
        if (!(below.seconds() > 0) || below.seconds() > MAX_SECONDS) {
            throw usage("--switch-below " + shown(switchBelow) + ": seconds must be above 0 and at most " + MAX_SECONDS
                    + " (e.g. 2s)");
        }
        return new LiveSettings(-1, Duration.ofNanos(Math.max(1, (long) (below.seconds() * 1e9))), maxPasses, stop);
    }

    /** A usage error (exit 2) of the command these options are mixed into. */
    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(mixee.commandLine(), message);
    }

    /** Shortens and escapes user text for a message. */
    private static String shown(String s) {
        return org.smapimigrate.report.TerminalText.escape(s.length() > 40 ? s.substring(0, 40) + "..." : s);
    }
}
