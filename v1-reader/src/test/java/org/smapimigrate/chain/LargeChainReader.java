package org.smapimigrate.chain;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.filesr.FileSr;

/**
 * Run in a small-heap JVM by {@link LargeChainMemoryTest}: walks a whole chain's extents window by
 * window, reads every DATA extent, and prints the number of DATA bytes and the hash of the bytes
 * at the probe ranges given as {@code offset:length} arguments.
 */
public final class LargeChainReader {
    private LargeChainReader() {
    }

    public static void main(String[] args) throws Exception {
        long window = 1L << 30;
        ByteBuffer buf = ByteBuffer.allocateDirect(8 << 20);
        long dataBytes = 0;
        try (VhdChain chain = FileSr.openVhdFile(Path.of(args[0]))) {
            for (long w = 0; w < chain.size(); w += window) {
                for (Extent x : chain.extents(w, Math.min(window, chain.size() - w))) {
                    if (x.kind() != ExtentKind.DATA) {
                        continue;
                    }
                    dataBytes += x.length();
                    for (long at = x.offset(); at < x.end(); at += buf.capacity()) {
                        buf.clear().limit((int) Math.min(buf.capacity(), x.end() - at));
                        chain.read(buf, at);
                    }
                }
            }
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (int i = 1; i < args.length; i++) {
                String[] p = args[i].split(":");
                long off = Long.parseLong(p[0]);
                long len = Long.parseLong(p[1]);
                for (long at = off; at < off + len; at += buf.capacity()) {
                    buf.clear().limit((int) Math.min(buf.capacity(), off + len - at));
                    chain.read(buf, at);
                    md.update(buf.flip());
                }
            }
            System.out.println("data=" + dataBytes + " sha256=" + HexFormat.of().formatHex(md.digest())
                    + " size=" + chain.size());
        }
    }
}
