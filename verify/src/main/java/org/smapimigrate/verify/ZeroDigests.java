package org.smapimigrate.verify;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;

/** SHA-256 of runs of zero bytes: the full 2 MiB block once, and the odd short last blocks. */
final class ZeroDigests {
    static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(DiskDigest.BLOCK_SIZE).asReadOnlyBuffer();
    private static final ConcurrentHashMap<Long, byte[]> CACHE = new ConcurrentHashMap<>();
    private static final byte[] FULL_BLOCK = compute(DiskDigest.BLOCK_SIZE);

    private ZeroDigests() {
    }

    /** SHA-256 of {@code length} zero bytes, {@code 0 < length <= BLOCK_SIZE}. */
    static byte[] of(long length) {
        if (length == DiskDigest.BLOCK_SIZE) {
            return FULL_BLOCK.clone();
        }
        return CACHE.computeIfAbsent(length, ZeroDigests::compute).clone();
    }

    static byte[] fullBlock() {
        return FULL_BLOCK.clone();
    }

    private static byte[] compute(long length) {
        MessageDigest md = sha256();
        md.update(ZEROS.duplicate().limit((int) length));
        return md.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
