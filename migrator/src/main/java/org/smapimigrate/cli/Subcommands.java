package org.smapimigrate.cli;

import java.util.List;

/**
 * The subcommands of {@code smapi-migrate}, by name. A command is built only when it is run or
 * its manual is asked for: building one means picocli reflecting over its annotations and the
 * JVM loading and initialising its class and everything its fields name (migrate's JSON mapper
 * alone loads about 400 Jackson classes), which is start-up time every other command would pay.
 * The top-level manual lists every command from the headers here; a test checks that each
 * header is the one the command's own {@code @Command} declares.
 */
final class Subcommands {
    /** In the order the top-level manual lists them. */
    static final List<String> NAMES = List.of("scan", "export", "serve", "plan", "migrate", "batch", "verify", "bench",
            "make-example-sr");

    private Subcommands() {
    }

    static boolean exists(String name) {
        return NAMES.contains(name);
    }

    /** The one-line header shown in the top-level command list (the command's own header). */
    static String header(String name) {
        return switch (name) {
            case "scan" -> "Show the VDIs, snapshot chains, leftovers and problems of a SMAPIv1 SR,"
                    + " or a pool's SRs and VMs.";
            case "export" -> ExportCommand.HEADER;
            case "serve" -> "Serve SMAPIv1 VDIs as read-only NBD exports (one per VDI), for any NBD client.";
            case "plan" -> "Plan a migration: steps, bytes, target space, time and risks.";
            case "migrate" -> "Copy VDIs into new volumes of a SMAPIv3 SR, verified byte for byte.";
            case "batch" -> "Run a job file of migrations unattended: in windows, under a bandwidth limit, resumable.";
            case "verify" -> "Check migrated volumes again against the manifests 'migrate' wrote.";
            case "bench" -> "Measure export throughput against cat and qemu-img on the same disk.";
            case "make-example-sr" -> "";
            default -> throw new IllegalArgumentException("no command " + name);
        };
    }

    static boolean hidden(String name) {
        return name.equals("make-example-sr");
    }

    /** A new instance of the command, for picocli to fill and run. A switch, not lambdas, to
     *  keep the lambda machinery out of start-up. */
    static Object create(String name) {
        return switch (name) {
            case "scan" -> new ScanCommand();
            case "export" -> ExportCommand.command();
            case "serve" -> new ServeCommand();
            case "plan" -> new PlanCommand();
            case "migrate" -> new MigrateCommand();
            case "batch" -> new BatchCommand();
            case "verify" -> new VerifyCommand();
            case "bench" -> new BenchCommand();
            case "make-example-sr" -> new MakeExampleCommand();
            default -> throw new IllegalArgumentException("no command " + name);
        };
    }
}
