package org.smapimigrate.cli;

import java.time.Duration;
import java.util.Locale;
import org.smapimigrate.live.LiveSettings;
import org.smapimigrate.live.StopPolicy;
import picocli.CommandLine.Option;

/** The options of 'migrate --mode live' (issue 13), declared once. */
final class LiveOptions {
    static final String DEFAULT_SWITCH_BELOW = "64M";

    @Option(names = "--switch-below", paramLabel = "BYTES|SECONDS", defaultValue = DEFAULT_SWITCH_BELOW,
            description = "--mode live: switch over after a pass that changed at most BYTES (64M, 1G, ...) or"
                    + " took at most SECONDS (2s, 0.5s). Default: ${DEFAULT-VALUE}.")
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

    LiveSettings settings() {
        if (maxPasses < 1 || maxPasses > 64) {
            throw new UserError("--max-passes takes 1 to 64, not " + maxPasses);
        }
        if (shutdownTimeout < 1) {
            throw new UserError("--shutdown-timeout takes a positive number of seconds, not " + shutdownTimeout);
        }
        StopPolicy stop = new StopPolicy(Duration.ofSeconds(shutdownTimeout), forceShutdown);
        String s = switchBelow.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("s") && !s.endsWith("bs")) {
            double secs;
            try {
                secs = Double.parseDouble(s.substring(0, s.length() - 1));
            } catch (NumberFormatException e) {
                throw new UserError("--switch-below " + shown(switchBelow)
                        + ": not a size or a number of seconds (use e.g. 64M or 2s)");
            }
            if (!(secs > 0) || secs > 86400) {
                throw new UserError("--switch-below " + shown(switchBelow) + ": seconds must be above 0");
            }
            return new LiveSettings(-1, Duration.ofNanos((long) (secs * 1e9)), maxPasses, stop);
        }
        return new LiveSettings(ByteSizes.parse(switchBelow), null, maxPasses, stop);
    }

    /** Shortens and escapes user text for a message. */
    private static String shown(String s) {
        return org.smapimigrate.report.TerminalText.escape(s.length() > 40 ? s.substring(0, 40) + "..." : s);
    }
}
