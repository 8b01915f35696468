package org.smapimigrate.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Plugin.Query answers kept on disk between runs (issue 10: every plugin call is a process, and
 * a single-VDI migrate is one run; an admin migrating VDI after VDI would otherwise pay the Query
 * in every run). An answer is filed under the SHA-256 of what decides it: the method
 * executable's own path (one script may serve several plugins by the name it is called with) and
 * the bytes of the file it resolves to. Same bytes at the same path give the same answer, so a
 * replaced or edited plugin is asked again at once. What the bytes cannot show (a library the
 * script imports, upgraded in place) is bounded by {@link #MAX_AGE}: older answers are asked
 * again. Whatever the file holds is decoded by the same rules as a live answer; a file that is
 * unreadable, damaged or not ours counts as absent, never as an error.
 *
 * <p>Off unless {@link #enable enabled}: the command line turns it on for real runs
 * ({@link #enableDefault}); tests and library callers keep the per-process cache only.
 */
public final class QueryStore {
    /** How long an answer is trusted without asking: a day. */
    public static final Duration MAX_AGE = Duration.ofHours(24);
    /** Set to a directory to keep the answers there, or to {@code off} to keep none. */
    public static final String ENV = "SMAPI_MIGRATE_CACHE";
    private static final int FORMAT = 1;
    private static final long MAX_FILE = 1 << 20;

    private static volatile QueryStore active;

    private final Path dir;
    private final Duration maxAge;
    private final ObjectMapper json = new ObjectMapper();

    /** A stored answer: the plugin's JSON result and what asking took then (for estimates). */
    public record Answer(JsonNode result, double seconds) {
    }

    QueryStore(Path dir, Duration maxAge) {
        this.dir = dir;
        this.maxAge = maxAge;
    }

    /** Keeps Query answers in {@code dir} from now on (null: stop keeping them). */
    public static void enable(Path dir) {
        active = dir == null ? null : new QueryStore(dir, MAX_AGE);
    }

    /** {@link #enable} with a given age limit (tests). */
    static void enable(Path dir, Duration maxAge) {
        active = dir == null ? null : new QueryStore(dir, maxAge);
    }

    /**
     * Keeps answers in {@code $SMAPI_MIGRATE_CACHE}, else {@code $XDG_CACHE_HOME/smapi-migrate},
     * else {@code ~/.cache/smapi-migrate}; {@code SMAPI_MIGRATE_CACHE=off} keeps none.
     */
    public static void enableDefault() {
        enable(defaultDirectory(System.getenv()).orElse(null));
    }

    static Optional<Path> defaultDirectory(Map<String, String> env) {
        String own = env.get(ENV);
        if (own != null && !own.isBlank()) {
            return own.equals("off") ? Optional.empty() : Optional.of(Path.of(own, "plugin-query"));
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            return Optional.of(Path.of(xdg, "smapi-migrate", "plugin-query"));
        }
        String home = env.get("HOME");
        if (home != null && Path.of(home).isAbsolute()) {
            return Optional.of(Path.of(home, ".cache", "smapi-migrate", "plugin-query"));
        }
        return Optional.empty();
    }

    /** The store in use, or null. */
    static QueryStore active() {
        return active;
    }

    /** The file an answer of {@code executable} (resolving to {@code real}) lives in; empty if unreadable. */
    Optional<Path> fileFor(Path executable, Path real) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(executable.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(Files.readAllBytes(real));
            return Optional.of(dir.resolve(HexFormat.of().formatHex(d.digest()) + ".json"));
        } catch (IOException | NoSuchAlgorithmException | OutOfMemoryError e) {
            return Optional.empty();
        }
    }

    /** The answer kept in {@code file} if it is ours, well formed and younger than the age limit. */
    Optional<Answer> read(Path file) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_FILE) {
                return Optional.empty();
            }
            JsonNode n = json.readTree(Files.readAllBytes(file));
            long written = n.path("written").asLong(-1);
            long age = System.currentTimeMillis() - written;
            if (n.path("format").asInt() != FORMAT || written < 0 || age < 0 || age > maxAge.toMillis()
                    || !n.path("result").isObject() || !n.path("seconds").isNumber()) {
                return Optional.empty();
            }
            double seconds = n.get("seconds").asDouble();
            if (!(seconds >= 0 && seconds < 3600)) {
                return Optional.empty();
            }
            return Optional.of(new Answer(n.get("result"), seconds));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Keeps an answer (atomically: a reader sees the old file or the new one); failures are ignored. */
    void write(Path file, JsonNode result, double seconds) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            ObjectNode n = json.createObjectNode();
            n.put("format", FORMAT);
            n.put("written", System.currentTimeMillis());
            n.put("seconds", seconds);
            n.set("result", result);
            Path tmp = Files.createTempFile(dir, ".query", ".tmp");
            try {
                Files.write(tmp, json.writeValueAsBytes(n));
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // A cache that cannot be written only costs the next run one call.
        }
    }
}
