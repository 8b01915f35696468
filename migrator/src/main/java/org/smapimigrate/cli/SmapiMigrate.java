package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.smapimigrate.report.TerminalText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code smapi-migrate} command. Each subcommand is its own class; this one only wires them
 * together and turns failures into one line and an exit code (0 success, 1 failure, 2 usage).
 */
@Command(name = "smapi-migrate",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Move virtual disks from SMAPIv1 storage repositories into SMAPIv3, exactly.",
        description = {
            "",
            "smapi-migrate reads XCP-ng / XenServer SMAPIv1 storage repositories offline",
            "and read-only (file SRs: ext, nfs; LVM SRs: lvm, lvmoiscsi, lvmohba), follows",
            "their VHD snapshot chains sector by sector, and writes the disks into SMAPIv3",
            "volume plugins or NBD exports, proving every byte with checksums.",
            ""},
        footer = {
            "",
            "Exit status:",
            "  0  success",
            "  1  failure: bad or damaged input, I/O error, a target refused the work",
            "  2  usage error",
            "",
            "Run 'smapi-migrate help COMMAND' for the details of one command."},
        subcommands = {
            CommandLine.HelpCommand.class,
            ScanCommand.class,
            ExportCommand.class,
            PlanCommand.class,
            MigrateCommand.class,
            VerifyCommand.class,
            BenchCommand.class,
            MakeExampleCommand.class,
        })
public final class SmapiMigrate {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On failure, print the full stack trace as well as the error line.")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line and returns its exit code; tests call this instead of main. Both
     * streams are guarded: no control character from a disk or a plugin reaches them raw.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(commandLine(), args, out, err);
    }

    static int run(CommandLine cl, String[] args, PrintWriter out, PrintWriter err) {
        PrintWriter guardedOut = new PrintWriter(TerminalText.guard(out), true);
        PrintWriter guardedErr = new PrintWriter(TerminalText.guard(err), true);
        cl.setOut(guardedOut);
        cl.setErr(guardedErr);
        try {
            return cl.execute(args);
        } catch (Error e) {
            // picocli hands only Exceptions to handleFailure; an Error (a failed assertion, a stack
            // overflow) is a bug of ours too, and gets the same one line.
            guardedErr.println("smapi-migrate: internal error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + oneLine(e))
                    + " (a bug: run again with --debug and report the trace)");
            if (java.util.Arrays.asList(args).contains("--debug")) {
                e.printStackTrace(guardedErr);
            }
            return 1;
        } finally {
            guardedOut.flush();
            guardedErr.flush();
        }
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SmapiMigrate());
        cl.setExecutionExceptionHandler(SmapiMigrate::handleFailure);
        // Plain manuals: the output streams escape every ESC (TerminalText.guard), so picocli's
        // colours would show as \u001b[1m on a terminal.
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cl.setUsageHelpLongOptionsMaxWidth(32);
        // Every command answers -h/--help with its manual, as people expect of a tool.
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().findOption("--help") == null) {
                sub.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-h", "--help")
                        .usageHelp(true).description("Show this manual and exit.").build());
            }
        }
        return cl;
    }

    /**
     * One line naming what went wrong (the stack trace only with --debug), and with --json a
     * {@code failed} document on standard output as well, unless the command already printed one.
     * An exception that is neither bad input nor I/O is a bug of ours: its line says so, and
     * names its type.
     */
    private static int handleFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        Throwable shown = e instanceof UncheckedIOException || e instanceof ReportedFailure ? e.getCause() : e;
        boolean debug = parsed.hasMatchedOption("--debug")
                || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug"));
        boolean json = parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--json"));
        if (shown instanceof IOException || shown instanceof UserError) {
            err.println("smapi-migrate: error: " + oneLine(shown));
        } else {
            err.println("smapi-migrate: internal error: " + shown.getClass().getSimpleName()
                    + (shown.getMessage() == null || shown.getMessage().isBlank() ? "" : ": " + oneLine(shown))
                    + (debug ? "" : " (a bug: run again with --debug and report the trace)"));
        }
        if (debug) {
            shown.printStackTrace(err);
        }
        err.flush();
        if (json && !(e instanceof ReportedFailure)) {
            PrintWriter out = cl.getOut();
            try {
                out.println(CliJson.LINES.writeValueAsString(java.util.Map.of("event", "failed", "time",
                        java.time.Instant.now().toString(), "error", oneLine(shown))));
            } catch (IOException x) {
                out.println("{\"event\":\"failed\"}");
            }
            out.flush();
        }
        return 1;
    }

    /** The message of {@code t} as one line, its control characters escaped. */
    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        return TerminalText.escape(m.strip().replace("\r\n", "\n").replace('\n', ' '));
    }
}
