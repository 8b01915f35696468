package org.smapimigrate.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Many VDIs (8 by default, together holding as much data as the single-VDI disk) migrated by one
 * {@code migrate} process into the bundled SMAPIv3 SR, with a given number of jobs.
 */
public final class ManyVdiCase extends ProcessCase {
    /** The jobs of the case whose peak RSS issue 10 bounds. */
    static final int RSS_TARGET_JOBS = 8;

    private final BenchInput input;
    private final int jobs;
    private boolean jobsSupported;

    public ManyVdiCase(BenchInput input, SmapiMigrateProcess smapi, int jobs) {
        super(input.manyVdis().size() + (input.manyVdis().size() == 1 ? " VDI j" : " VDIs j") + jobs, input.manyData(), smapi,
                input.work().resolve("process-many-j" + jobs), null);
        this.input = input;
        this.jobs = jobs;
    }

    /**
     * THE ONE PLACE the jobs value reaches the command line: {@code migrate --jobs N} (issue 10
     * part 4). A launcher whose manual does not list it (an older build) gets no option, and the
     * table's note says the VDIs then ran one after another.
     */
    static List<String> jobsOption(int jobs, boolean supported) {
        return supported ? List.of("--jobs", Integer.toString(jobs)) : List.of();
    }

    @Override
    public void setUp() throws Exception {
        reset();
        jobsSupported = smapi().output(List.of("migrate", "--help"), dir).contains("--jobs");
    }

    @Override
    protected List<String> arguments() {
        List<String> args = new ArrayList<>(List.of("migrate", "-q", "--sr", input.manySr().toString()));
        for (String vdi : input.manyVdis()) {
            args.add("--vdi");
            args.add(vdi);
        }
        args.addAll(jobsOption(jobs, jobsSupported));
        args.addAll(List.of("--target-sr", out().toString()));
        return args;
    }

    @Override
    public long run() throws Exception {
        long rss = super.run();
        int volumes = WorkFiles.endingWith(out(), ".raw").size();
        if (volumes != input.manyVdis().size()) {
            throw new IOException(name() + ": " + volumes + " volumes in " + out() + ", expected "
                    + input.manyVdis().size());
        }
        return rss;
    }

    @Override
    public String note() {
        return jobsSupported ? null
                : name() + ": migrate has no --jobs yet, so the VDIs ran one after another in one process";
    }
}
