package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The lazily built command line lists and runs the same commands the full one would. */
class SubcommandsTest {

    @Test
    void theTopLevelListShowsEachCommandsOwnHeader() {
        for (String name : Subcommands.NAMES) {
            CommandLine full = new CommandLine(Subcommands.create(name));
            String[] header = full.getCommandSpec().usageMessage().header();
            assertEquals(header.length == 0 ? "" : String.join(" ", header), Subcommands.header(name), name);
            assertEquals(full.getCommandSpec().usageMessage().hidden(), Subcommands.hidden(name), name);
            assertEquals(name, full.getCommandSpec().name());
        }
    }

    @Test
    void onlyTheNamedCommandIsBuilt() {
        CommandLine cl = SmapiMigrate.commandLine("--debug", "export", "x.vhd", "-o", "y");
        assertTrue(cl.getSubcommands().get("export").getCommandSpec().userObject() instanceof ExportCommand);
        assertTrue(!(cl.getSubcommands().get("migrate").getCommandSpec().userObject() instanceof MigrateCommand),
                "migrate is a stand-in");
        assertEquals(List.of("help", "plan"), SmapiMigrate.namedCommands("help", "plan", "--x"));
        assertEquals(List.of(), SmapiMigrate.namedCommands("--help"));
    }

    @Test
    void aCommandNamedFirstIsBuiltAlone() {
        // Nothing can show the top-level command list then: no stand-ins are built.
        CommandLine cl = SmapiMigrate.commandLine("export", "x.vhd", "-o", "y");
        assertEquals(List.of("export"), List.copyOf(cl.getSubcommands().keySet()));
        // Still answered as before: the command's manual, its usage errors, and the top level.
        CliRun help = CliRun.of("export", "--help");
        assertEquals(0, help.exitCode(), help.err());
        assertTrue(help.out().contains("Usage: smapi-migrate export"), help.out());
        CliRun wrong = CliRun.of("export", "--no-such-option", "x.vhd", "-o", "y");
        assertEquals(2, wrong.exitCode());
        assertTrue(wrong.err().contains("--no-such-option"), wrong.err());
        CliRun top = CliRun.of("--help", "export");
        assertEquals(0, top.exitCode(), top.err());
        for (String name : Subcommands.NAMES) {
            assertEquals(!Subcommands.hidden(name), top.out().contains("  " + name + " "), name + " in " + top.out());
        }
    }

    @Test
    void migrateDryRunBuildsNoPlanCommand() {
        CommandLine cl = SmapiMigrate.commandLine("migrate", "--dry-run", "--sr", "x");
        assertTrue(cl.getSubcommands().get("migrate").getCommandSpec().userObject() instanceof MigrateCommand);
        CommandLine plan = cl.getSubcommands().get("plan");
        assertTrue(plan == null || !(plan.getCommandSpec().userObject() instanceof PlanCommand),
                "plan is not built: migrate --dry-run prints the plan itself");
    }

    @Test
    void theTopLevelManualIsBuiltWithoutAnnotations() {
        // Programmatic top level (start-up, issue 10): the manual still shows every option and command.
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith(SmapiMigrate.HEADER + System.lineSeparator()
                + "Usage: smapi-migrate [-hV] [--debug] [COMMAND]"), r.out());
        for (String s : List.of("--debug", "-h, --help", "-V, --version", "help     " + SmapiMigrate.HELP_HEADER,
                "Exit status:")) {
            assertTrue(r.out().contains(s), s + " in " + r.out());
        }
        for (String name : Subcommands.NAMES) {
            assertEquals(!Subcommands.hidden(name), r.out().contains("  " + name + " "), name);
        }
        CommandLine cl = SmapiMigrate.commandLine("--help");
        assertEquals(null, cl.getCommandSpec().userObject());
        assertTrue(!(cl.getSubcommands().get("help").getCommandSpec().userObject() instanceof CommandLine.HelpCommand),
                "help is a stand-in unless named");
        assertTrue(SmapiMigrate.commandLine("help", "scan").getSubcommands().get("help").getCommandSpec().userObject()
                instanceof CommandLine.HelpCommand);
        assertEquals("true", System.getProperty("picocli.disable.closures"), "no class path search for Groovy");
    }

    @Test
    void theVersionIsPrintedByTheTopLevelOption() {
        CliRun r = CliRun.of("--version");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("smapi-migrate "), r.out());
    }

    @Test
    void helpForACommandShowsItsManual() {
        CliRun r = CliRun.of("help", "migrate");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Usage: smapi-migrate migrate"), r.out());
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        CliRun r = CliRun.of("exprot", "x");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("exprot"), r.err());
    }

    @Test
    void debugIsInheritedByTheCommandThatRuns() {
        CliRun r = CliRun.of("scan", "--debug", "/nonexistent/sr");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("smapi-migrate: error:"), r.err());
    }
}
