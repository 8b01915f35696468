package org.smapimigrate.verify;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** The digest definition computed the plain way, on bytes in memory, as the model for tests. */
final class DigestModel {
    static final int BLOCK = 2 << 20;

    final String whole;
    final List<Long> nonZeroBlocks = new ArrayList<>();

    DigestModel(byte[] disk) throws Exception {
        MessageDigest w = MessageDigest.getInstance("SHA-256");
        for (long off = 0, i = 0; off < disk.length; off += BLOCK, i++) {
            byte[] block = Arrays.copyOfRange(disk, (int) off, (int) Math.min(disk.length, off + BLOCK));
            byte[] d = MessageDigest.getInstance("SHA-256").digest(block);
            w.update(d);
            if (!Arrays.equals(d, MessageDigest.getInstance("SHA-256").digest(new byte[block.length]))) {
                nonZeroBlocks.add(i);
            }
        }
        whole = HexFormat.of().formatHex(w.digest());
    }
}
