package org.smapimigrate.lvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.disk.ImageDefectException;

/**
 * The LVM2 label and PV header, which share one 512-byte sector among sectors 0-3 of a PV
 * (lvm2 {@code lib/label/label.c}, {@code lib/format_text/text_label.c}; lvm2-ondisk.md §2-3).
 *
 * @param sector           the sector the label sits in (pvcreate uses 1)
 * @param crc              {@code crc_xl} as stored (it verified)
 * @param pvUuid           the bare 32-character PV id
 * @param deviceSize       {@code device_size_xl}, bytes
 * @param dataAreas        data areas; the first one's offset is {@code pe_start} in bytes
 * @param metadataAreas    0, 1 or 2 metadata areas, each including its 512-byte header
 * @param extensionVersion 0 when the header has no extension
 * @param extensionFlags   bit 0 is {@link #PV_EXT_USED}
 * @param bootloaderAreas  bootloader areas (extension version 1 and later)
 */
public record PvLabel(int sector, int crc, String pvUuid, long deviceSize, List<DiskLocation> dataAreas,
                      List<DiskLocation> metadataAreas, int extensionVersion, int extensionFlags,
                      List<DiskLocation> bootloaderAreas) {

    public static final int SECTOR_SIZE = 512;
    /** pvcreate zeroes and lvm scans the first four sectors for a label. */
    public static final int SCAN_SECTORS = 4;
    public static final String LABEL_ID = "LABELONE";
    public static final String LABEL_TYPE = "LVM2 001";
    /** The PV belongs to a VG (lvm2 {@code metadata-exported.h}). */
    public static final int PV_EXT_USED = 0x1;

    private static final int LABEL_HEADER_SIZE = 32;
    private static final int CRC_FROM = 20;
    private static final int LOCN_SIZE = 16;

    /** The PV id in its dashed 38-character form, as the metadata text writes it. */
    public String pvId() {
        return LvmUuid.dashed(pvUuid);
    }

    /**
     * True when one of sectors 0-3 starts with {@code LABELONE}: the device claims to be an LVM
     * PV. The label may still be damaged; {@link #read} says how.
     */
    public static boolean hasLabelId(FileChannel ch) throws IOException {
        byte[] bytes = readHead(ch);
        for (int s = 0; (s + 1) * SECTOR_SIZE <= bytes.length; s++) {
            if (isLabelId(bytes, s)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Finds and checks the label in sectors 0-3, accepting the first sector whose id, sector
     * number, CRC and type all check out, as lvm does.
     *
     * @throws ImageDefectException {@code no-lvm-label} when no sector starts with LABELONE;
     *         otherwise the defect of the first sector that did ({@code bad-label-crc},
     *         {@code bad-label}, {@code bad-pv-header})
     */
    public static PvLabel read(FileChannel ch, String file) throws IOException {
        byte[] bytes = readHead(ch);
        int have = bytes.length;
        ImageDefectException first = null;
        for (int s = 0; s < SCAN_SECTORS && (s + 1) * SECTOR_SIZE <= have; s++) {
            if (!isLabelId(bytes, s)) {
                continue;
            }
            try {
                return parseSector(bytes, s, file);
            } catch (ImageDefectException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        throw new ImageDefectException("no-lvm-label", file, 0,
                "no LVM2 label (LABELONE) in sectors 0-3: not an LVM physical volume");
    }

    /** The first 2048 bytes, or the whole file when it is shorter. */
    private static byte[] readHead(FileChannel ch) throws IOException {
        int len = (int) Math.min(ch.size(), (long) SCAN_SECTORS * SECTOR_SIZE);
        ByteBuffer head = ByteBuffer.allocate(len);
        while (head.hasRemaining() && ch.read(head, head.position()) >= 0) {
            // positional reads of a regular file return at least one byte until EOF
        }
        return java.util.Arrays.copyOf(head.array(), head.position());
    }

    private static boolean isLabelId(byte[] bytes, int s) {
        return LABEL_ID.equals(new String(bytes, s * SECTOR_SIZE, 8, StandardCharsets.US_ASCII));
    }

    private static PvLabel parseSector(byte[] bytes, int s, String file) throws ImageDefectException {
        int base = s * SECTOR_SIZE;
        ByteBuffer b = ByteBuffer.wrap(bytes, base, SECTOR_SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
        long sectorXl = b.getLong(8);
        if (sectorXl != s) {
            throw new ImageDefectException("bad-label", file, base + 8L,
                    "label in sector " + s + " says it is in sector " + Long.toUnsignedString(sectorXl));
        }
        int stored = b.getInt(16);
        int computed = LvmCrc.of(bytes, base + CRC_FROM, SECTOR_SIZE - CRC_FROM);
        if (stored != computed) {
            throw new ImageDefectException("bad-label-crc", file, base + 16L, String.format(
                    "label CRC is 0x%08X, bytes %d-%d give 0x%08X: the label sector is damaged",
                    stored, base + CRC_FROM, base + SECTOR_SIZE - 1, computed));
        }
        String type = new String(bytes, base + 24, 8, StandardCharsets.US_ASCII);
        if (!LABEL_TYPE.equals(type)) {
            throw new ImageDefectException("bad-label", file, base + 24L,
                    "label type is '" + printable(type) + "', expected '" + LABEL_TYPE + "'");
        }
        long offsetXl = Integer.toUnsignedLong(b.getInt(20));
        // The PV header needs its uuid, size and two list terminators inside the sector.
        if (offsetXl < LABEL_HEADER_SIZE || offsetXl > SECTOR_SIZE - (32 + 8 + 2 * LOCN_SIZE)) {
            throw new ImageDefectException("bad-label", file, base + 20L,
                    "PV header offset " + offsetXl + " does not leave room for a PV header in the sector");
        }
        return parsePvHeader(b, s, stored, (int) offsetXl, file);
    }

    private static PvLabel parsePvHeader(ByteBuffer b, int s, int crc, int at, String file)
            throws ImageDefectException {
        long base = (long) s * SECTOR_SIZE;
        byte[] id = new byte[LvmUuid.LENGTH];
        b.get(at, id, 0, id.length);
        String uuid = new String(id, StandardCharsets.ISO_8859_1);
        if (!LvmUuid.isValidBare(uuid)) {
            throw new ImageDefectException("bad-pv-header", file, base + at,
                    "PV uuid '" + printable(uuid) + "' is not 32 characters of 0-9a-zA-Z!#");
        }
        long deviceSize = b.getLong(at + 32);
        if (deviceSize < 0) {
            throw new ImageDefectException("bad-pv-header", file, base + at + 32,
                    "device size " + Long.toUnsignedString(deviceSize) + " is impossibly large");
        }
        int[] pos = {at + 40};
        List<DiskLocation> data = readList(b, pos, base, "data area", file);
        List<DiskLocation> meta = readList(b, pos, base, "metadata area", file);
        int extVersion = 0;
        int extFlags = 0;
        List<DiskLocation> boot = List.of();
        if (pos[0] + 8 <= SECTOR_SIZE) {
            extVersion = b.getInt(pos[0]);
            extFlags = b.getInt(pos[0] + 4);
            pos[0] += 8;
            if (extVersion != 0) {
                boot = readList(b, pos, base, "bootloader area", file);
            }
        }
        return new PvLabel(s, crc, uuid, deviceSize, data, meta, extVersion, extFlags, boot);
    }

    /** Reads a {@code disk_locn} list up to its terminator (offset 0), which must lie in the sector. */
    private static List<DiskLocation> readList(ByteBuffer b, int[] pos, long base, String what, String file)
            throws ImageDefectException {
        List<DiskLocation> out = new ArrayList<>();
        while (true) {
            if (pos[0] + LOCN_SIZE > SECTOR_SIZE) {
                throw new ImageDefectException("bad-pv-header", file, base + pos[0],
                        "the " + what + " list runs past the end of the label sector without a terminator");
            }
            long offset = b.getLong(pos[0]);
            long size = b.getLong(pos[0] + 8);
            pos[0] += LOCN_SIZE;
            if (offset == 0) {
                return List.copyOf(out);
            }
            if (offset < 0 || size < 0) {
                throw new ImageDefectException("bad-pv-header", file, base + pos[0] - LOCN_SIZE,
                        what + " offset " + Long.toUnsignedString(offset) + " size "
                                + Long.toUnsignedString(size) + " is impossibly large");
            }
            out.add(new DiskLocation(offset, size));
        }
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02X", (int) c & 0xFF));
        }
        return b.toString();
    }
}
