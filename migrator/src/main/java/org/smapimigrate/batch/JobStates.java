package org.smapimigrate.batch;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-volume states of one job, in {@code STATE/jobs/NAME/volumes.json}, rewritten atomically
 * after every change so a run killed at any instant leaves the last recorded state. The engine's
 * own state directory for the job ({@code STATE/jobs/NAME/engine}) sits beside it: a volume
 * interrupted while running is simply run again, and the engine resumes its journal.
 */
public final class JobStates {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final Map<String, VolumeState> byKey = new LinkedHashMap<>();

    private JobStates(Path dir) {
        this.dir = dir;
    }

    public static Path dirOf(Path stateDir, String job) {
        return stateDir.resolve("jobs").resolve(job);
    }

    /** The recorded states, or none when the job never ran. */
    public static JobStates load(Path stateDir, String job) throws IOException {
        JobStates s = new JobStates(dirOf(stateDir, job));
        Path f = s.file();
        if (Files.exists(f)) {
            List<VolumeState> list = JSON.readValue(f.toFile(), new TypeReference<List<VolumeState>>() { });
            for (VolumeState v : list) {
                s.byKey.put(key(v.sr(), v.vdi()), v);
            }
        }
        return s;
    }

    Path file() {
        return dir.resolve("volumes.json");
    }

    public Path engineDir() {
        return dir.resolve("engine");
    }

    private static String key(String sr, String vdi) {
        return sr + "\n" + vdi;
    }

    /** The state of a volume, pending when never seen. */
    VolumeState get(String sr, String vdi) {
        return byKey.getOrDefault(key(sr, vdi), VolumeState.pending(sr, vdi));
    }

    void put(VolumeState v) throws IOException {
        byKey.put(key(v.sr(), v.vdi()), v);
        AtomicFile.write(file(), JSON.writeValueAsBytes(new ArrayList<>(byKey.values())));
    }

    public List<VolumeState> all() {
        return List.copyOf(byKey.values());
    }
}
