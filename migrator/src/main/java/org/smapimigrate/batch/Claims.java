package org.smapimigrate.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Who runs which volume when the same job file runs on every host of a pool (issue 14, item 3).
 * Each host lists only the volumes it can see, and the lists overlap (a shared SR is seen by all);
 * before a volume starts, its run claims it, and a volume claimed by another live holder is left
 * to that holder.
 *
 * <p>Why claim files. A claim is a file {@code STATE/claims/JOB-VDI-HASH.claim} on the batch's
 * state directory, which a pool shares (an NFS export mounted at the same path on every host;
 * the state directory MUST be shared for claims to mean anything). Making it is exclusive, in one
 * step: exactly one creator wins ({@code CREATE_NEW} of the holder's own file, then link(2) to the
 * claim's name, which fails when the name exists; see {@link #create}). NFSv3 and later carry
 * O_EXCL to the server as an exclusive CREATE (RFC 1813 section 3.3.8, RFC 7530 section 16.16)
 * and LINK is one server operation, so this holds across hosts; NFSv2 had no exclusive create
 * and is not supported. Claim files need no XAPI: the batch also runs on a host where only
 * the SR mounts are visible, and the claims sit beside the run's other state, readable with
 * {@code cat}. The alternative, for jobs that go through XAPI anyway, is a key in the VDI's
 * {@code other_config} (VDI.add_to_other_config fails with MAP_DUPLICATE_KEY when the key is
 * present, which makes it a test-and-set in the pool database): it needs no shared directory, but
 * a session on the pool master, and a crashed holder's key must be cleared the same way as a stale
 * file here.
 *
 * <p>Holders that die. A claim holds the host name, pid and process start time of its holder, a
 * random token, and is renewed (its modification time set to now) every quarter of the lease while
 * held. A claim is taken over (under the claims lock, {@link SharedFileLock}, so that two takers
 * cannot both remove it and each create their own) when:
 * <ul>
 *   <li>its holder is on this host and that process is gone (no such pid, or a pid reused by a
 *       process started at another time): this host can tell for sure;</li>
 *   <li>its holder is on another host and it was not renewed for longer than the lease: whether a
 *       process on another host lives cannot be asked from here, and a host that lost power leaves
 *       its claims forever, so a claim must expire. A live holder renews long before the lease
 *       ends, so only a dead one (or one cut off from the share for a whole lease) is taken over.
 *       Modification times are the hosts' clocks: the lease (minutes) must exceed their skew by
 *       far, which NTP, standard in a pool, gives.</li>
 * </ul>
 * A claim is released when its volume ends, done or failed; only its own holder (the token) removes
 * it. A release that finds another token (its claim was taken over) leaves the file alone.
 */
public final class Claims implements AutoCloseable {
    /** How long another host's claim lives without renewal. */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(10);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String host;
    private final Duration lease;
    private final Clock clock;
    private final long pid = ProcessHandle.current().pid();
    private final Optional<Instant> processStart = ProcessHandle.current().info().startInstant();
    private final Set<Claim> held = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService renewer;
    private ScheduledFuture<?> renewal;

    /**
     * @param host  this host's name in the pool, {@link Host#check checked} (tests give each
     *              simulated host its own)
     * @param lease how long another host's claim stays valid without renewal
     */
    public Claims(Path stateDir, String host, Duration lease, Clock clock) {
        this.dir = stateDir.resolve("claims");
        this.host = Host.check(host);
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the lease must be more than zero");
        }
        this.lease = lease;
        this.clock = Objects.requireNonNull(clock);
    }

    /** This host's claims with the default lease and the system clock. */
    public static Claims of(Path stateDir, String host) {
        return new Claims(stateDir, host, DEFAULT_LEASE, Clock.systemUTC());
    }

    public String host() {
        return host;
    }

    /**
     * What a claim file says (JSON). Instants are ISO-8601 text; {@code processStart} is null when
     * the OS did not tell.
     */
    public record Holder(String host, long pid, String processStart, String claimed, String token, String job,
                         String sr, String vdi) {
        /** One line for a log or summary, control characters replaced. */
        public String describe() {
            return ("pid " + pid + " on " + host + " since " + claimed).replaceAll("\\p{Cntrl}", "?");
        }
    }

    /** The outcome of {@link #claim}: taken (then {@code claim} is set) or held by someone else. */
    public record Attempt(Claim claim, String heldBy) {
        public boolean taken() {
            return claim != null;
        }
    }

    /** Takes the volume's claim, or says who holds it. */
    public Attempt claim(String job, String sr, String vdi) throws IOException {
        Path file = dir.resolve(fileName(job, sr, vdi));
        Files.createDirectories(dir);
        Holder me = new Holder(host, pid, processStart.map(Instant::toString).orElse(null), clock.instant().toString(), UUID.randomUUID().toString(),
                job, sr, vdi);
        if (create(file, me)) {
            return held(file, me);
        }
        // It exists: maybe stale. Look again, and take it over, under the lock (see class comment).
        return SharedFileLock.with(dir.resolve(".lock"), () -> {
            Optional<Holder> h = read(file);
            if (h.isPresent()) {
                String stale = staleness(file, h.get());
                if (stale == null) {
                    return new Attempt(null, h.get().describe());
                }
                Files.deleteIfExists(file);
                if (!create(file, me)) {
                    return new Attempt(null, read(file).map(Holder::describe).orElse("another run"));
                }
                Attempt a = held(file, me);
                a.claim.takenOver = h.get().describe() + " (" + stale + ")";
                return a;
            }
            // Released between our two looks; or unreadable, which no holder of ours makes (claims
            // appear complete, see create): left alone until a lease old, as another host's.
            if (Files.exists(file)) {
                Instant t = Files.getLastModifiedTime(file).toInstant();
                if (Duration.between(t, clock.instant()).compareTo(lease) <= 0) {
                    return new Attempt(null, "an unreadable claim " + file.getFileName() + " (left for a lease)");
                }
                Files.deleteIfExists(file);
            }
            return create(file, me) ? held(file, me) : new Attempt(null, read(file).map(Holder::describe).orElse("another run"));
        });
    }

    /** Why the claim may be taken over, or null while its holder may live. */
    private String staleness(Path file, Holder h) throws IOException {
        if (h.host().equals(host)) {
            Optional<ProcessHandle> p = ProcessHandle.of(h.pid());
            if (p.isEmpty() || !p.get().isAlive()) {
                return "its process is gone";
            }
            Optional<Instant> started = p.get().info().startInstant();
            if (h.processStart() != null && started.isPresent() && !started.get().toString().equals(h.processStart())) {
                return "its pid now belongs to another process";
            }
            return null;
        }
        Instant renewed = Files.getLastModifiedTime(file).toInstant();
        Duration age = Duration.between(renewed, clock.instant());
        return age.compareTo(lease) > 0 ? "not renewed for " + age.toSeconds() + " s, lease " + lease.toSeconds() + " s" : null;
    }

    private Attempt held(Path file, Holder me) {
        Claim c = new Claim(file, me);
        held.add(c);
        scheduleRenewal();
        return new Attempt(c, null);
    }

    /**
     * Publishes a complete claim under {@code file}, or returns false when one exists. The holder
     * is written and synced into a file of its own ({@code CREATE_NEW}, a unique name), which is
     * then hard-linked to the claim's name: link(2) fails when the name exists, as O_EXCL does, and
     * on NFS it is one LINK call, as an O_EXCL open is one exclusive CREATE. Unlike creating the
     * claim itself with O_EXCL and then writing it, nobody can ever see an empty or half-written
     * claim. An NFS reply lost and retried can report EEXIST for a link that was made, so on EEXIST
     * the claim is read back and its token compared (the NFS lock-file idiom, open(2) NOTES).
     */
    private boolean create(Path file, Holder me) throws IOException {
        Path tmp = dir.resolve(".new-" + me.token());
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC)) {
                out.write(JSON.writeValueAsBytes(me));
            }
            Files.setLastModifiedTime(tmp, FileTime.from(clock.instant()));
            try {
                Files.createLink(file, tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return read(file).map(h -> h.token().equals(me.token())).orElse(false);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Optional<Holder> read(Path file) {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), Holder.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // empty or cut short: its creator died before it was written
        }
    }

    private synchronized void scheduleRenewal() {
        if (renewer == null) {
            renewer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "claim-renewal");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(1, lease.toMillis() / 4);
            renewal = renewer.scheduleAtFixedRate(this::renewAll, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void stopRenewalIfIdle() {
        if (held.isEmpty() && renewer != null) {
            renewal.cancel(false);
            renewer.shutdownNow();
            renewer = null;
        }
    }

    /** Sets each held claim's time to now (a claim taken over meanwhile is left alone). */
    void renewAll() {
        for (Claim c : held) {
            try {
                if (read(c.file).map(h -> h.token().equals(c.holder.token())).orElse(false)) {
                    Files.setLastModifiedTime(c.file, FileTime.from(clock.instant()));
                }
            } catch (IOException e) {
                // the next renewal tries again; a lease is four renewals long
            }
        }
    }

    /** Stops renewing; claims still held are released. */
    @Override
    public void close() throws IOException {
        for (Claim c : held) {
            c.close();
        }
        stopRenewalIfIdle();
    }

    /** {@code JOB-VDI-HASH.claim}: readable names where harmless, a hash of the three for uniqueness. */
    static String fileName(String job, String sr, String vdi) {
        String hash;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            hash = HexFormat.of().formatHex(md.digest((job + "\n" + sr + "\n" + vdi).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return safe(job) + "-" + safe(vdi) + "-" + hash.substring(0, 16) + ".claim";
    }

    private static String safe(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return t.length() > 40 ? t.substring(0, 40) : t;
    }

    /** The claims as they stand, for status displays: file name to holder. */
    public Map<String, Holder> list() throws IOException {
        Map<String, Holder> all = new java.util.TreeMap<>();
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (f.getFileName().toString().endsWith(".claim")) {
                        read(f).ifPresent(h -> all.put(f.getFileName().toString(), h));
                    }
                }
            }
        }
        return all;
    }

    /** A claim this run holds; closing it releases it. */
    public final class Claim implements AutoCloseable {
        private final Path file;
        private final Holder holder;
        private volatile String takenOver;
        private boolean released;

        private Claim(Path file, Holder holder) {
            this.file = file;
            this.holder = holder;
        }

        public Path file() {
            return file;
        }

        /** The stale holder this claim replaced and why, or null when the claim was free. */
        public String takenOver() {
            return takenOver;
        }

        /** Removes the file if it is still ours. Idempotent. */
        @Override
        public synchronized void close() throws IOException {
            if (released) {
                return;
            }
            released = true;
            held.remove(this);
            stopRenewalIfIdle();
            SharedFileLock.with(dir.resolve(".lock"), () -> {
                if (read(file).map(h -> h.token().equals(holder.token())).orElse(false)) {
                    Files.deleteIfExists(file);
                }
                return null;
            });
        }
    }
}
