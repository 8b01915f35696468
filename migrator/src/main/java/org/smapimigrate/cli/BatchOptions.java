package org.smapimigrate.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.batch.Job;
import org.smapimigrate.batch.JobFile;
import org.smapimigrate.batch.JobFileError;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What every 'batch' command takes: the job file, the state directory, this host's view, --json. */
final class BatchOptions {
    @Parameters(index = "0", paramLabel = "JOBS.yaml",
            description = "The job file (YAML, or JSON): see examples/batch/jobs.yaml.")
    Path jobs;

    @Option(names = "--state", paramLabel = "DIR",
            description = "The batch's state directory (default: beside the job file, named after it:"
                    + " jobs.yaml -> jobs.state). Share it between the hosts of a pool.")
    Path state;

    @Option(names = "--host-root", paramLabel = "DIR",
            description = "Look the job's source paths up under DIR (a copy of a host's paths) instead of /.")
    Path hostRoot;

    @Option(names = "--json", description = "Print results as JSON on standard output, on failure too.")
    boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this manual and exit.")
    boolean help;

    /** The plugin call limit, a non-positive one refused as a usage error. */
    static java.time.Duration callLimit(picocli.CommandLine.Model.CommandSpec spec, long seconds) {
        if (seconds <= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--plugin-timeout must be a positive number of seconds");
        }
        return java.time.Duration.ofSeconds(seconds);
    }

    Path stateDir() {
        if (state != null) {
            return state.toAbsolutePath().normalize();
        }
        Path file = jobs.toAbsolutePath().normalize();
        String name = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        return file.resolveSibling(name + ".state");
    }

    /**
     * The jobs, or null after a bad job file was reported: one line FILE:LINE: KEY: problem on
     * standard error (and a failed document with --json); the caller exits {@link BatchExit#USAGE}.
     */
    List<Job> read(PrintWriter out, PrintWriter err) {
        try {
            return JobFile.read(jobs);
        } catch (JobFileError e) {
            err.println("smapi-migrate: error: " + e.getMessage());
            err.flush();
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("event", "failed");
                doc.put("time", Instant.now().toString());
                doc.put("error", e.getMessage());
                doc.put("file", e.file().toString());
                doc.put("line", e.line());
                doc.put("key", e.key());
                doc.put("exit_code", BatchExit.USAGE);
                BatchExit.print(out, doc);
            }
            return null;
        }
    }
}
