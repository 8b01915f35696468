package org.smapimigrate.lvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.RawFileDisk;

/**
 * The committed metadata text of one metadata area, read through {@code raw_locn[0]} from the
 * ring buffer that follows the area header, unwrapped, checksum verified and cut at its NUL
 * (lvm2 {@code format-text.c}, {@code config.c config_file_read_fd}; lvm2-ondisk.md §4).
 *
 * @param text             the text bytes, without the trailing NUL
 * @param location         the {@code raw_locn} it was read through
 * @param firstPartOffset  absolute file offset of the text's first byte
 * @param firstPartLength  bytes before the ring wraps (the whole text when it does not wrap)
 * @param secondPartOffset absolute file offset where the wrapped remainder continues
 */
public record MetadataText(byte[] text, RawLocation location, long firstPartOffset, long firstPartLength,
                           long secondPartOffset) {

    /** Metadata of even very large VGs is a few MiB; refuse absurd sizes rather than fill the heap. */
    public static final long MAX_SIZE = 64L << 20;

    /** Absolute file offset of text byte {@code index}, for error messages. */
    public long fileOffsetOf(long index) {
        return index < firstPartLength ? firstPartOffset + index
                : secondPartOffset + (index - firstPartLength);
    }

    /** True when the text runs past the end of the ring and continues after the header. */
    public boolean wraps() {
        return firstPartLength < location.size();
    }

    /**
     * Reads the text {@code loc} points at in the area {@code mda}.
     *
     * @throws ImageDefectException {@code bad-raw-locn} when the location does not fit the ring,
     *         {@code metadata-too-large}, {@code bad-metadata-checksum}
     */
    public static MetadataText read(FileChannel ch, String file, MetadataAreaHeader mda, RawLocation loc)
            throws IOException {
        long locnAt = mda.start() + 40;
        long ringSize = mda.size() - MetadataAreaHeader.SIZE;
        if (loc.offset() < MetadataAreaHeader.SIZE || loc.offset() >= mda.size()) {
            throw new ImageDefectException("bad-raw-locn", file, locnAt, "metadata text offset "
                    + Long.toUnsignedString(loc.offset()) + " is outside the ring [512, " + mda.size() + ")");
        }
        if (loc.size() <= 0 || loc.size() > ringSize) {
            throw new ImageDefectException("bad-raw-locn", file, locnAt + 8, "metadata text size "
                    + Long.toUnsignedString(loc.size()) + " does not fit the " + ringSize + "-byte ring");
        }
        if (loc.size() > MAX_SIZE) {
            throw new ImageDefectException("metadata-too-large", file, locnAt + 8, "metadata text of "
                    + loc.size() + " bytes is larger than the " + MAX_SIZE + " bytes this reader accepts");
        }
        int total = (int) loc.size();
        long first = Math.min(loc.size(), mda.size() - loc.offset());
        long firstAt = mda.start() + loc.offset();
        long secondAt = mda.start() + MetadataAreaHeader.SIZE;
        byte[] bytes = new byte[total];
        ByteBuffer dst = ByteBuffer.wrap(bytes, 0, (int) first);
        RawFileDisk.readFully(ch, dst, firstAt, file);
        if (first < total) {
            dst = ByteBuffer.wrap(bytes, (int) first, total - (int) first);
            RawFileDisk.readFully(ch, dst, secondAt, file);
        }
        // Reading the two parts in sequence is the CRC lvm computes across the wrap.
        int crc = LvmCrc.of(bytes, 0, total);
        if (crc != loc.checksum()) {
            throw new ImageDefectException("bad-metadata-checksum", file, firstAt, String.format(
                    "metadata text (%d bytes%s) has CRC 0x%08X, its raw_locn at %d says 0x%08X: the text is damaged",
                    total, first < total ? ", wrapped" : "", crc, locnAt, loc.checksum()));
        }
        int end = 0;
        while (end < total && bytes[end] != 0) {
            end++;
        }
        byte[] text = end == total ? bytes : java.util.Arrays.copyOf(bytes, end);
        return new MetadataText(text, loc, firstAt, first, secondAt);
    }
}
