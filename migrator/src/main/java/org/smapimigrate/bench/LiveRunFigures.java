package org.smapimigrate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What one {@code migrate --mode live --json} run reported, as the live bench prints it: the bytes
 * read from the source by each pass (the switch-over's delta last), the downtime, and whether the
 * whole-disk check matched; plus the wall time the bench measured around the process.
 *
 * @param passBytes       bytes each pass read from the source, pass 0 first, the switch-over's last
 * @param passSeconds     how long each took
 * @param copySeconds     of which its copy (the rest is the snapshot, the changed ranges, the release)
 * @param downtimeSeconds stop requested to started, as the run measured it
 * @param verified        the source's and the target's SHA-256 matched
 * @param wallSeconds     the whole process, start-up included
 */
public record LiveRunFigures(List<Long> passBytes, List<Double> passSeconds, List<Double> copySeconds,
                             double downtimeSeconds,
                             boolean verified, double wallSeconds) {
    public LiveRunFigures {
        passBytes = List.copyOf(passBytes);
        passSeconds = List.copyOf(passSeconds);
        copySeconds = List.copyOf(copySeconds);
    }

    /**
     * What a pass costs besides its copy, on average over the passes after pass 0 while the writer
     * runs (the snapshot with the writer paused, the changed ranges, the release); NaN when there
     * are none.
     */
    public double passOverheadSeconds() {
        double sum = 0;
        int n = 0;
        for (int i = 1; i < passBytes.size() - 1; i++) {
            sum += passSeconds.get(i) - copySeconds.get(i);
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Passes while the writer ran (the switch-over's delta not counted). */
    public int livePasses() {
        return passBytes.size() - 1;
    }

    /**
     * Reads the JSON document {@code migrate --mode live --json} prints (LiveResult: snake_case
     * {@code passes[].read}, {@code passes[].seconds}, {@code passes[].last}, {@code downtime_seconds},
     * {@code verified}). Text before the document (a note on standard output) is skipped.
     *
     * @throws IOException one line when the output holds no finished run
     */
    public static LiveRunFigures parse(String output, double wallSeconds) throws IOException {
        int start = output.indexOf('{');
        if (start < 0) {
            throw new IOException("migrate --mode live --json printed no JSON document");
        }
        JsonNode r = new ObjectMapper().readTree(output.substring(start));
        JsonNode passes = r.path("passes");
        if (!passes.isArray() || passes.isEmpty()) {
            throw new IOException("migrate --mode live --json: no passes in the result");
        }
        if (!r.path("downtime_seconds").isNumber()) {
            throw new IOException("migrate --mode live --json: no downtime_seconds (the switch-over did not finish"
                    + (r.path("failure").isTextual() ? ": " + r.get("failure").asText() : "") + ")");
        }
        List<Long> bytes = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        List<Double> copy = new ArrayList<>();
        for (int i = 0; i < passes.size(); i++) {
            JsonNode p = passes.get(i);
            if (p.path("last").asBoolean(false) != (i == passes.size() - 1)) {
                throw new IOException("migrate --mode live --json: pass " + i + " of " + passes.size()
                        + (i == passes.size() - 1 ? " is the last but not the switch-over's" : " is marked last"));
            }
            bytes.add(p.path("read").asLong());
            seconds.add(p.path("seconds").asDouble());
            copy.add(p.path("copy_seconds").asDouble());
        }
        return new LiveRunFigures(bytes, seconds, copy, r.get("downtime_seconds").asDouble(),
                r.path("verified").asBoolean(false), wallSeconds);
    }
}
