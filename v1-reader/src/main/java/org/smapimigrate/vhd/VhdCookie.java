package org.smapimigrate.vhd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether a file claims to be a VHD, damaged or not: the footer cookie ({@code conectix}, or
 * blktap's {@code v_poison}) in the footer copy at offset 0 of a dynamic disk, in the last 512
 * bytes, or in the last 511 (pre-2004 Virtual PC footers; VHD specification, "Hard Disk Footer
 * Format"). What tells a user who passed a VHD file where an SR was expected what they passed.
 */
public final class VhdCookie {
    private VhdCookie() {
    }

    public static boolean present(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < VhdFormat.SECTOR_SIZE - 1) {
                return false;
            }
            return at(ch, 0) || at(ch, size - VhdFormat.SECTOR_SIZE) || at(ch, size - VhdFormat.SECTOR_SIZE + 1);
        }
    }

    private static boolean at(FileChannel ch, long offset) throws IOException {
        if (offset < 0) {
            return false;
        }
        ByteBuffer b = ByteBuffer.allocate(8);
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) {
                return false;
            }
        }
        String cookie = new String(b.array(), StandardCharsets.ISO_8859_1);
        return cookie.equals(VhdFooter.COOKIE) || cookie.equals("v_poison");
    }
}
