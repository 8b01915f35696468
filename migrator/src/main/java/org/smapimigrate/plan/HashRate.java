package org.smapimigrate.plan;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;

/**
 * How fast this host hashes with SHA-256 for the live switch-over's check, measured in a fraction
 * of a second. The check compares the whole target with the quiet source byte for byte and takes
 * the source's SHA-256 of the whole virtual disk, zero ranges included, in the same read
 * ({@code org.smapimigrate.live.QuietComparison}), so on a large sparse disk the downtime's check
 * costs the virtual size at this rate, not the allocated bytes at the copy rate. Measured with two
 * hashes at once, as the check was before it compared bytes (two hashes, one per side): with the
 * reads and the comparison sharing the cores, that stays a fair, if cautious, figure on a host
 * short of cores (or sharing them).
 */
public final class HashRate {
    /** Hashed per side and round: enough to reach the steady rate, little enough to stay well under a second. */
    static final int BYTES = 64 << 20;
    private static final int CHUNK = 1 << 20;

    private HashRate() {
    }

    /** Bytes per second each of two concurrent SHA-256 hashes of zeros reaches; the better of two rounds. */
    public static long measure() {
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            CompletableFuture<Void> other = CompletableFuture.runAsync(HashRate::hashZeros);
            hashZeros();
            other.join();
            best = Math.min(best, Math.max(1, System.nanoTime() - t0));
        }
        return Math.max(1, (long) (BYTES / (best / 1e9)));
    }

    private static void hashZeros() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] zeros = new byte[CHUNK];
        for (int i = 0; i < BYTES / CHUNK; i++) {
            md.update(zeros, 0, CHUNK);
        }
        md.digest();
    }
}
