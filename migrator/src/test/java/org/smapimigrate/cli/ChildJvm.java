package org.smapimigrate.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM running smapi-migrate with the test classpath, for the tests
 * that need a real process (SIGKILL, SIGINT, exit codes, two runs at once, the process list).
 *
 * <p>The children are short (seconds, tens of MiB of data), so they run with the client compiler
 * only and the serial collector: measured on VmMigrationEndToEndTest's kill points, a child
 * spent about 3.5 s of CPU with the default tiered C2 and 2.5 s this way (C2 compiles cost more
 * than they repay in a run this short). Nothing the tests observe depends on the JIT or the GC.
 */
final class ChildJvm {
    /** HotSpot options of every child: C1 only, one GC thread set up instead of G1's. */
    static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private ChildJvm() {
    }

    /** {@code java FAST_START jvmOptions -cp <test classpath> SmapiMigrate args...}. */
    static List<String> smapiMigrate(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(FAST_START);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SmapiMigrate.class.getName()));
        cmd.addAll(args);
        return cmd;
    }
}
