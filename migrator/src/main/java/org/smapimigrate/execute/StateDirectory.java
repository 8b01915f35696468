package org.smapimigrate.execute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import org.smapimigrate.plan.PlanTarget;

/**
 * Where {@code migrate --sr SR --vdi UUID...} keeps the plan it makes on the fly, the plan's
 * journal and its manifests. The plan file is named after the request (source SR, VDIs, target
 * SR, strategy), so the same command run again after a failure or a kill finds the plan its earlier
 * run left and resumes it, exactly as {@code migrate --plan} would; once that plan was aborted,
 * the same command plans afresh.
 */
public final class StateDirectory {
    public static final String DEFAULT = "smapi-migrate-state";

    private final Path dir;

    public StateDirectory(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path path() {
        return dir;
    }

    /** The plan file of this request (which need not exist yet). */
    public Path planFor(String sourceSr, List<String> vdis, PlanTarget target, boolean flatten) {
        // The plugin tree is left out: it is where the plugins are (--plugins may move it), not which SR.
        String request = String.join("\n", sourceSr, String.join(",", new TreeSet<>(vdis)), target.volumePlugin(), target.configuration().toString(), String.valueOf(target.bundledSr()),
                flatten ? "flatten" : "keep-trees");
        String sr = sourceSr.replaceAll("[^A-Za-z0-9-]", "_");
        return dir.resolve("migrate-" + sr.substring(0, Math.min(8, sr.length())) + "-" + sha256(request)
                .substring(0, 12) + ".plan.json");
    }

    /** Where the manifests of a plan's VDIs go: beside the plan, as its journal. */
    public static Path manifestsOf(Path planFile) {
        return planFile.toAbsolutePath().resolveSibling(planFile.getFileName() + ".manifests");
    }

    /**
     * True when {@code planFile} exists and its journal does not end with an abort: its runs are
     * to be resumed (or, when it finished, rechecked) rather than planned again.
     */
    public static boolean resumable(Path planFile) throws IOException {
        if (!Files.exists(planFile)) {
            return false;
        }
        List<JournalEntry> entries = Journal.read(Journal.beside(planFile));
        return entries.isEmpty() || !JournalEntry.ABORTED.equals(entries.get(entries.size() - 1).record());
    }

    public void create() throws IOException {
        Files.createDirectories(dir);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
