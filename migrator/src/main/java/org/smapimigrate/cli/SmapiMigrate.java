package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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
            "Run 'smapi-migrate help COMMAND' for the details of one command."})
public final class SmapiMigrate {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On failure, print the full stack trace as well as the error line.")
    boolean debug;

    public static void main(String[] args) {
        // The version is answered before picocli loads: scripts and package managers ask it often.
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            System.out.println(Version.line());
            System.exit(0);
        }
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns its exit code; tests call this instead of main. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /**
     * The command line for these arguments: the command they name (and, for {@code help CMD},
     * the command asked about) is built in full; every other command is a stand-in carrying only
     * its name and header, enough for the top-level manual and picocli's suggestions.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new SmapiMigrate());
        cl.setExecutionExceptionHandler(SmapiMigrate::handleFailure);
        cl.setUsageHelpLongOptionsMaxWidth(32);
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        List<String> named = new ArrayList<>(namedCommands(args));
        for (String name : List.copyOf(named)) {
            if (Subcommands.exists(name)) {
                named.addAll(Subcommands.alsoBuilt(name));
            }
        }
        for (String name : Subcommands.NAMES) {
            if (named.contains(name)) {
                cl.addSubcommand(name, withHelpOption(new CommandLine(Subcommands.create(name))));
            } else {
                CommandSpec standIn = CommandSpec.create().name(name);
                standIn.usageMessage().header(Subcommands.header(name)).hidden(Subcommands.hidden(name));
                cl.addSubcommand(name, standIn);
            }
        }
        return cl;
    }

    /** Every command answers -h/--help with its manual, as people expect of a tool. */
    private static CommandLine withHelpOption(CommandLine sub) {
        if (sub.getCommandSpec().findOption("--help") == null) {
            sub.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-h", "--help")
                    .usageHelp(true).description("Show this manual and exit.").build());
        }
        return sub;
    }

    /**
     * The commands the arguments name: the first word that is not an option, and after
     * {@code help} the word after it. The top-level options take no parameters, so the first
     * such word is the command.
     */
    static List<String> namedCommands(String... args) {
        List<String> named = new ArrayList<>(2);
        for (String a : args) {
            if (a.startsWith("-")) {
                continue;
            }
            named.add(a);
            if (!a.equals("help") || named.size() == 2) {
                break;
            }
        }
        return named;
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
