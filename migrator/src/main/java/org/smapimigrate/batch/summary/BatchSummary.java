package org.smapimigrate.batch.summary;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.smapimigrate.batch.AtomicFile;
import org.smapimigrate.batch.BatchRun;
import org.smapimigrate.batch.Host;
import org.smapimigrate.batch.Job;
import org.smapimigrate.batch.JobStates;

/**
 * The summary of a batch run (issue 14, item 2): {@code summary.json} for machines,
 * {@code summary.md} and {@code summary.html} (one self-contained page) for people, each written
 * atomically, so a reader (the Ansible playbook fetching them, a web server) never sees half a
 * file. Independent of the command line: the caller gives the jobs, their states and the run's
 * result. On a state directory shared by a pool's hosts, give each host's own directory
 * ({@code RunLock.hostDir(state, host)}), or the hosts overwrite each other's summaries.
 */
public final class BatchSummary {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BatchSummary() {
    }

    /** Writes the three files into {@code dir}, naming this machine ({@link Host#local}) as the host. */
    public static SummaryReport write(Path dir, List<Job> jobs, Map<String, JobStates> states,
                                      BatchRun.Result result, Instant started, Instant ended) throws IOException {
        return write(dir, Host.local(), jobs, states, result, started, ended);
    }

    /** Writes {@code summary.json}, {@code summary.md} and {@code summary.html} into {@code dir}. */
    public static SummaryReport write(Path dir, String host, List<Job> jobs, Map<String, JobStates> states,
                                      BatchRun.Result result, Instant started, Instant ended) throws IOException {
        SummaryReport r = SummaryReport.of(host, jobs, states, result, started, ended);
        AtomicFile.write(dir.resolve("summary.json"), JSON.writeValueAsBytes(r));
        AtomicFile.write(dir.resolve("summary.md"), SummaryMarkdown.render(r).getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(dir.resolve("summary.html"), SummaryHtml.render(r).getBytes(StandardCharsets.UTF_8));
        return r;
    }
}
