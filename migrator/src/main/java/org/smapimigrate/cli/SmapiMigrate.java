package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.report.TerminalText;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@code smapi-migrate} command. Each subcommand is its own class; this one only wires them
 * together and turns failures into one line and an exit code (0 success, 1 failure, 2 usage).
 *
 * <p>The top level is built with picocli's programmatic API, not its annotations: reading an
 * annotation makes the JVM generate a proxy class for each annotation type (about 15 ms apiece
 * here, and JDK 17 cannot keep generated classes in the CDS archive), so the top-level manual,
 * which runs no command, costs no annotation at all; the commands keep their annotations and
 * pay for them only when named (issue 10 item 1).
 */
public final class SmapiMigrate {
    static final String HEADER = "Move virtual disks from SMAPIv1 storage repositories into SMAPIv3, exactly.";
    static final String[] DESCRIPTION = {
        "",
        "smapi-migrate reads XCP-ng / XenServer SMAPIv1 storage repositories offline",
        "and read-only (file SRs: ext, nfs; LVM SRs: lvm, lvmoiscsi, lvmohba), follows",
        "their VHD snapshot chains sector by sector, and writes the disks into SMAPIv3",
        "volume plugins or NBD exports, proving every byte with checksums.",
        ""};
    static final String[] FOOTER = {
        "",
        "Exit status:",
        "  0  success",
        "  1  failure: bad or damaged input, I/O error, a target refused the work",
        "  2  usage error",
        "",
        "Run 'smapi-migrate help COMMAND' for the details of one command."};
    /** The header of picocli's own {@code help} command, for its stand-in. */
    static final String HELP_HEADER = "Display help information about the specified command.";

    static {
        // picocli's DefaultFactory looks for groovy.lang.Closure once (Groovy closures in
        // annotations). The class is nowhere, so the lookup opened and searched every jar on the
        // class path, which the CDS archive otherwise spares every command: about 40 ms.
        System.setProperty("picocli.disable.closures", "true");
    }

    private SmapiMigrate() {
    }

    public static void main(String[] args) {
        // The version is answered before picocli loads: scripts and package managers ask it often.
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            System.out.println(Version.line());
            System.exit(0);
        }
        // A real run keeps Plugin.Query answers between runs (QueryStore); tests calling run() do not.
        org.smapimigrate.plugin.QueryStore.enableDefault();
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line and returns its exit code; tests call this instead of main. Both
     * streams are guarded: no control character from a disk or a plugin reaches them raw.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(commandLine(args), args, out, err);
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

    /**
     * The command line for these arguments: the command they name (and, for {@code help CMD},
     * the command asked about) is built in full; every other command is a stand-in carrying only
     * its name and header, enough for the top-level manual and picocli's suggestions.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(topLevel());
        cl.setExecutionExceptionHandler(new FailureHandler());
        cl.setUsageHelpLongOptionsMaxWidth(32);
        List<String> named = namedCommands(args);
        // A command given as the first word ('smapi-migrate export ...', as scripts and the
        // bench run it) takes every later word: the top-level manual and its command list cannot
        // show, so the other commands need no stand-ins (each one a CommandLine with picocli's
        // converters registered afresh, about a millisecond apiece before the JIT).
        boolean commandFirst = args.length > 0 && Subcommands.exists(args[0]);
        if (named.contains("help")) {
            cl.addSubcommand("help", new CommandLine.HelpCommand());
        } else if (!commandFirst) {
            CommandSpec standIn = CommandSpec.create().name("help");
            standIn.usageMessage().header(HELP_HEADER);
            cl.addSubcommand("help", standIn);
        }
        for (String name : Subcommands.NAMES) {
            if (named.contains(name)) {
                cl.addSubcommand(name, withHelpOption(new CommandLine(Subcommands.create(name))));
            } else if (!commandFirst) {
                CommandSpec standIn = CommandSpec.create().name(name);
                standIn.usageMessage().header(Subcommands.header(name)).hidden(Subcommands.hidden(name));
                cl.addSubcommand(name, standIn);
            }
        }
        // After the subcommands, so they get it too. Plain manuals: the output streams escape every
        // ESC (TerminalText.guard), so picocli's colours would show as \u001b[1m on a terminal.
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        return cl;
    }

    /**
     * What the annotations used to declare: name, manual, --debug (inherited by every command),
     * -h/--help and -V/--version (picocli's standard help options, same texts).
     */
    static CommandSpec topLevel() {
        CommandSpec spec = CommandSpec.create().name("smapi-migrate").versionProvider(new Version());
        spec.usageMessage().header(HEADER).description(DESCRIPTION).footer(FOOTER).sortOptions(false)
                .autoWidth(true);
        spec.addOption(OptionSpec.builder("--debug").scopeType(CommandLine.ScopeType.INHERIT)
                .description("On failure, print the full stack trace as well as the error line; migrate also"
                        + " prints each plugin call with its time.").build());
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        return spec;
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

    /**
     * {@link #handleFailure} as a class, not a method reference: picocli's classes are class file
     * version 49, and JDK 17's CDS dump leaves out an old interface once a lambda has linked it
     * (and every class implementing it, picocli's default handler too), so a lambda here made each
     * start-up open the jars to load them: about 40 ms of every command (issue 10 item 1).
     */
    private static final class FailureHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
            return handleFailure(e, cl, parsed);
        }
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
        boolean debug = matched(parsed, "--debug");
        boolean json = parsed.subcommands().stream().anyMatch(p -> matched(p, "--json"));
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

    /** Whether the option was given to this command or to a subcommand below it ('batch run --json'). */
    private static boolean matched(CommandLine.ParseResult parsed, String option) {
        return parsed.hasMatchedOption(option) || parsed.subcommands().stream().anyMatch(p -> matched(p, option));
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
