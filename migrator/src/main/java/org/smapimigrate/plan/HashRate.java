package org.smapimigrate.plan;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * How fast this host hashes with SHA-256, measured in a fraction of a second: the live
 * switch-over proves the target by the SHA-256 of the whole virtual disk on each side, zero
 * ranges included ({@code org.smapimigrate.live.WholeDiskSha256}), so on a large sparse disk the
 * downtime's check costs the virtual size at this rate, not the allocated bytes at the copy rate.
 */
public final class HashRate {
    /** Hashed per measurement: large enough to reach the steady rate, small enough to stay well under a second. */
    static final int BYTES = 64 << 20;
    private static final int CHUNK = 1 << 20;

    private HashRate() {
    }

    /** Bytes per second, the best of two rounds of hashing {@value #BYTES} bytes of zeros in 1 MiB updates. */
    public static long measure() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] zeros = new byte[CHUNK];
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < BYTES / CHUNK; i++) {
                md.update(zeros, 0, CHUNK);
            }
            md.digest();
            best = Math.min(best, Math.max(1, System.nanoTime() - t0));
        }
        return Math.max(1, (long) (BYTES / (best / 1e9)));
    }
}
