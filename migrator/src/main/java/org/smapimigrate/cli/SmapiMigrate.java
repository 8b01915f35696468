package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
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
            ServeCommand.class,
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

    /** Runs the command line and returns its exit code; tests call this instead of main. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SmapiMigrate());
        cl.setExecutionExceptionHandler(SmapiMigrate::handleFailure);
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

    /** One line naming what went wrong; the stack trace only with --debug. */
    private static int handleFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        Throwable shown = e instanceof UncheckedIOException u ? u.getCause() : e;
        boolean debug = parsed.hasMatchedOption("--debug")
                || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug"));
        err.println("smapi-migrate: error: " + oneLine(shown));
        if (debug) {
            shown.printStackTrace(err);
        } else if (!(shown instanceof IOException) && !(shown instanceof UserError)) {
            err.println("smapi-migrate: this is a bug; run again with --debug and report the trace");
        }
        err.flush();
        return 1;
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        return m.replace('\n', ' ');
    }
}
