package org.smapimigrate.lvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.RawFileDisk;

/**
 * The 512-byte header at the start of a metadata area (lvm2 {@code mda_header},
 * {@code lib/format_text/layout.h}; lvm2-ondisk.md §4). The rest of the area is a ring buffer of
 * metadata text copies; {@code rawLocations[0]} is the committed one.
 *
 * @param checksum     {@code checksum_xl}, verified
 * @param version      1
 * @param start        absolute offset of this header
 * @param size         size of the whole area, header included
 * @param rawLocations the {@code raw_locn} list up to its terminator
 */
public record MetadataAreaHeader(int checksum, int version, long start, long size, List<RawLocation> rawLocations) {

    public static final int SIZE = 512;
    /** {@code FMTT_MAGIC}: begins with a space. */
    public static final byte[] MAGIC = {0x20, 0x4C, 0x56, 0x4D, 0x32, 0x20, 0x78, 0x5B,
        0x35, 0x41, 0x25, 0x72, 0x30, 0x4E, 0x2A, 0x3E};
    public static final int VERSION = 1;
    private static final int RAW_LOCN_AT = 40;
    private static final int RAW_LOCN_SIZE = 24;

    /** The committed text location ({@code raw_locn[0]}), or null when the list is empty. */
    public RawLocation committed() {
        return rawLocations.isEmpty() ? null : rawLocations.get(0);
    }

    /**
     * Reads and checks the header of the metadata area {@code area} named by the PV label.
     *
     * @throws ImageDefectException {@code bad-mda-checksum}, {@code bad-mda-header} or
     *         {@code truncated} (the area lies past the end of the file)
     */
    public static MetadataAreaHeader read(FileChannel ch, String file, DiskLocation area) throws IOException {
        long fileSize = ch.size();
        if (area.size() < SIZE || area.offset() > fileSize - area.size()) {
            throw new ImageDefectException("truncated", file, area.offset(), "metadata area of "
                    + area.size() + " bytes at " + area.offset() + " does not fit in the " + fileSize
                    + "-byte device (or is smaller than its 512-byte header)");
        }
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        RawFileDisk.readFully(ch, b, area.offset(), file);
        byte[] bytes = b.array();
        int stored = b.getInt(0);
        int computed = LvmCrc.of(bytes, 4, SIZE - 4);
        if (stored != computed) {
            throw new ImageDefectException("bad-mda-checksum", file, area.offset(), String.format(
                    "metadata-area header checksum is 0x%08X, its bytes give 0x%08X: the header is damaged",
                    stored, computed));
        }
        if (!Arrays.equals(bytes, 4, 20, MAGIC, 0, MAGIC.length)) {
            throw new ImageDefectException("bad-mda-header", file, area.offset() + 4,
                    "metadata-area header has no LVM2 magic");
        }
        int version = b.getInt(20);
        if (version != VERSION) {
            throw new ImageDefectException("bad-mda-header", file, area.offset() + 20,
                    "metadata-area header version " + Integer.toUnsignedString(version) + ", expected 1");
        }
        long start = b.getLong(24);
        if (start != area.offset()) {
            throw new ImageDefectException("bad-mda-header", file, area.offset() + 24,
                    "metadata-area header says it starts at " + Long.toUnsignedString(start)
                            + ", but the PV header puts it at " + area.offset());
        }
        long size = b.getLong(32);
        if (size != area.size()) {
            throw new ImageDefectException("bad-mda-header", file, area.offset() + 32,
                    "metadata-area header says the area has " + Long.toUnsignedString(size)
                            + " bytes, the PV header says " + area.size());
        }
        List<RawLocation> locs = new ArrayList<>();
        for (int at = RAW_LOCN_AT; at + RAW_LOCN_SIZE <= SIZE; at += RAW_LOCN_SIZE) {
            long offset = b.getLong(at);
            if (offset == 0) {
                // An all-zero first entry is an empty area; keep it so callers see "no metadata".
                if (locs.isEmpty()) {
                    locs.add(new RawLocation(0, b.getLong(at + 8), b.getInt(at + 16), b.getInt(at + 20)));
                }
                break;
            }
            locs.add(new RawLocation(offset, b.getLong(at + 8), b.getInt(at + 16), b.getInt(at + 20)));
        }
        return new MetadataAreaHeader(stored, version, start, size, List.copyOf(locs));
    }
}
