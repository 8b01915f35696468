package org.smapimigrate.live;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;

/**
 * The plain SHA-256 of a whole virtual disk, as {@code sha256sum} of its raw image would print it:
 * the switch-over's proof that the target equals the quiet source, comparable by hand with any
 * third-party tool. Ranges the disk reports as reading zeros are hashed from a zero buffer
 * without being read; memory is one {@value #CHUNK}-byte buffer whatever the size.
 */
final class WholeDiskSha256 {
    static final int CHUNK = 1 << 20;
    private static final long WINDOW = 1L << 30;

    private WholeDiskSha256() {
    }

    /** {@code sha256:HEX} of {@code disk}'s first {@code size} bytes. */
    static String of(VirtualDisk disk, long size) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        byte[] zeros = new byte[CHUNK];
        for (long w = 0; w < size; w += WINDOW) {
            for (Extent e : disk.extents(w, Math.min(WINDOW, size - w))) {
                for (long at = e.offset(); at < e.offset() + e.length(); ) {
                    int n = (int) Math.min(CHUNK, e.offset() + e.length() - at);
                    if (e.kind().readsAsZero()) {
                        md.update(zeros, 0, n);
                    } else {
                        buf.clear().limit(n);
                        disk.read(buf, at);
                        buf.flip();
                        md.update(buf);
                    }
                    at += n;
                }
            }
            if (Thread.interrupted()) {
                throw new java.io.InterruptedIOException("hashing " + disk.describe() + " interrupted");
            }
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }
}
