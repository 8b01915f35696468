package org.smapimigrate.live;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.migrate.MigrationException;

/**
 * The switch-over's proof, taken while the writer is stopped: the whole target compared byte for
 * byte with the whole quiet source (stronger than comparing two hashes, and one hash cheaper).
 * Ranges the source's extents say read as zeros are not read from the source: the target's bytes
 * there are compared with a zero buffer. In the same read, on a third thread, the source's bytes
 * (zeros included) are hashed into the plain SHA-256 that {@code sha256sum} of its raw image
 * would print, the digest the report and the target volume record.
 *
 * <p>Pipelined in {@value #CHUNK}-byte chunks: the target chunk is read on one thread while the
 * source chunk is read here, then compared, then handed to the hasher while the next chunk is
 * read. Memory is five chunk buffers whatever the size.
 */
final class QuietComparison {
    static final int CHUNK = 1 << 20;
    private static final long WINDOW = 1L << 30;

    /** Target and source differ; {@link #offset} is the first differing byte. */
    static final class Differs extends MigrationException {
        final long offset;

        Differs(String message, long offset) {
            super(message);
            this.offset = offset;
        }
    }

    private QuietComparison() {
    }

    /**
     * Compares the first {@code size} bytes of both; returns {@code sha256:HEX} of the source's.
     *
     * @throws Differs when a byte differs (the first one is named)
     */
    static String compare(VirtualDisk source, VirtualDisk target, long size, String targetName) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK);
        ByteBuffer[] src = {ByteBuffer.allocateDirect(CHUNK), ByteBuffer.allocateDirect(CHUNK)};
        ByteBuffer[] tgt = {ByteBuffer.allocateDirect(CHUNK), ByteBuffer.allocateDirect(CHUNK)};
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> daemon(r, "quiet-target-reader"));
        ExecutorService hasher = Executors.newSingleThreadExecutor(r -> daemon(r, "quiet-source-hasher"));
        Future<?> hashing = null;
        int slot = 0;
        try {
            for (long w = 0; w < size; w += WINDOW) {
                for (Extent e : source.extents(w, Math.min(WINDOW, size - w))) {
                    boolean zero = e.kind().readsAsZero();
                    for (long at = e.offset(); at < e.offset() + e.length(); ) {
                        final int n = (int) Math.min(CHUNK, e.offset() + e.length() - at);
                        final long off = at;
                        ByteBuffer t = tgt[slot];
                        Future<?> reading = reader.submit(() -> {
                            t.clear().limit(n);
                            target.read(t, off);
                            t.flip();
                            return null;
                        });
                        // This slot's source buffer was last hashed two chunks ago; that hash was
                        // awaited before the previous chunk was handed over, so it is free again.
                        ByteBuffer s;
                        if (zero) {
                            s = zeros.duplicate().clear().limit(n);
                        } else {
                            s = src[slot];
                            s.clear().limit(n);
                            source.read(s, off);
                            s.flip();
                        }
                        await(reading);
                        int m = s.mismatch(t);
                        if (m >= 0) {
                            throw new Differs("target volume " + targetName + " differs from the quiet source at"
                                    + " byte offset " + (off + m) + " (" + (zero ? "unallocated on the source: the"
                                    + " target must read zeros there" : "both read") + ")", off + m);
                        }
                        if (hashing != null) {
                            await(hashing);
                        }
                        ByteBuffer h = s;
                        hashing = hasher.submit(() -> {
                            md.update(h);
                            return null;
                        });
                        slot ^= 1;
                        at += n;
                    }
                }
                if (Thread.interrupted()) {
                    throw new InterruptedIOException("comparing " + targetName + " with the quiet source interrupted");
                }
            }
            if (hashing != null) {
                await(hashing);
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } finally {
            reader.shutdownNow();
            hasher.shutdownNow();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("verification interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }
}
