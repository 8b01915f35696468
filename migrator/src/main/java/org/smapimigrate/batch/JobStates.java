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
 *
 * <p>Several writers. The threads of a job's concurrency, and on a state directory shared by a
 * pool the runs of other hosts, change the same file. Each change is therefore a
 * read-modify-write of the one volume's entry under {@link SharedFileLock} ({@code volumes.lock}
 * beside it): the file is read again, only this volume's entry replaced, and written atomically.
 * No two writers ever change the same entry, since a volume is only run under its claim
 * ({@link Claims}); so merging by entry loses nothing.
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

    private Path lockFile() {
        return dir.resolve("volumes.lock");
    }

    /** Reads the file into the map (under the lock): entries other writers changed become visible. */
    private void reread() throws IOException {
        Path f = file();
        if (Files.exists(f)) {
            for (VolumeState v : JSON.readValue(f.toFile(), new TypeReference<List<VolumeState>>() { })) {
                byKey.put(key(v.sr(), v.vdi()), v);
            }
        }
    }

    public Path engineDir() {
        return dir.resolve("engine");
    }

    private static String key(String sr, String vdi) {
        return sr + "\n" + vdi;
    }

    /** The state of a volume, pending when never seen. */
    synchronized VolumeState get(String sr, String vdi) {
        return byKey.getOrDefault(key(sr, vdi), VolumeState.pending(sr, vdi));
    }

    /**
     * The state of a volume as the file holds it now, written maybe by another host since this
     * was loaded. A run asks after it has claimed the volume: a host that finished the volume
     * wrote DONE before it released its claim, so a volume is never run twice.
     */
    synchronized VolumeState current(String sr, String vdi) throws IOException {
        SharedFileLock.with(lockFile(), () -> {
            reread();
            return null;
        });
        return get(sr, vdi);
    }

    synchronized void put(VolumeState v) throws IOException {
        SharedFileLock.with(lockFile(), () -> {
            reread();
            byKey.put(key(v.sr(), v.vdi()), v);
            AtomicFile.write(file(), JSON.writeValueAsBytes(new ArrayList<>(byKey.values())));
            return null;
        });
    }

    public synchronized List<VolumeState> all() {
        return List.copyOf(byKey.values());
    }
}
