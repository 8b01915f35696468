package org.smapimigrate.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cases {@code bench} runs, in order. {@value #REFERENCE} comes first: every other output is
 * compared with its output. Add a case here (a new class) to compare something else.
 */
public final class BenchCases {
    /** The case whose raw output every other is compared with, and the first ratio column. */
    public static final String REFERENCE = "qemu-img";

    private BenchCases() {
    }

    public static List<BenchCase> standard(BenchInput in, SmapiMigrateProcess smapi) throws Exception {
        String qemuImg = ExternalTool.require("qemu-img", "qemu-utils").toString();
        String vhd = in.vhd().toString();
        List<BenchCase> cases = new ArrayList<>();
        cases.add(new ToolCase(REFERENCE, in.data(), List.of(List.of(qemuImg, "convert", "-f", "vpc", "-O", "raw", vhd,
                in.work().resolve("out-qemu.raw").toString())), null, in.work().resolve("out-qemu.raw")));
        // The floor: the same allocated bytes copied with no format to follow.
        cases.add(new ToolCase("cat", in.data(), List.of(List.of("cat", vhd)), in.work().resolve("out-cat"), null));
        cases.add(new NbdcopyCase(in));
        cases.add(new ServeNbdcopyCase(in));
        // qemu-img's own way to copy and then prove the copy: the like-for-like peer of migrate.
        Path qemuCmpOut = in.work().resolve("out-qemu-cmp.raw");
        cases.add(new ToolCase("qemu+cmp", in.data(), List.of(
                List.of(qemuImg, "convert", "-f", "vpc", "-O", "raw", "-t", "writeback", vhd, qemuCmpOut.toString()),
                List.of(qemuImg, "compare", "-q", "-f", "vpc", "-F", "raw", vhd, qemuCmpOut.toString())),
                null, qemuCmpOut));
        cases.add(new InJvmExportCase(in));
        cases.add(new InJvmMigrateCase(in));
        cases.add(ProcessCase.export(in, smapi));
        cases.add(ProcessCase.migrate(in, smapi));
        cases.add(new ManyVdiCase(in, smapi, 1));
        cases.add(new ManyVdiCase(in, smapi, 4));
        // Issue 10's memory target is stated for --jobs 8 over 8 VDIs (BenchTable.printTargets).
        cases.add(new ManyVdiCase(in, smapi, ManyVdiCase.RSS_TARGET_JOBS));
        return cases;
    }
}
