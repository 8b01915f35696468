package org.smapimigrate.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The 512-byte hard disk footer (spec "Hard Disk Footer Format"; blktap {@code vhd_footer_t}).
 * Immutable; {@link #parse} never fails, {@link #isValid()} says whether the bytes are a footer.
 */
public final class VhdFooter {
    public static final int SIZE = 512;
    /** blktap reads a 511-byte footer left by old Virtual PC versions ({@code vhd_read_short_footer}). */
    public static final int SHORT_SIZE = 511;
    public static final String COOKIE = "conectix";
    /** Cookie of a VHD disabled by a journaled {@code vhd-util resize} ({@code VHD_POISON_COOKIE}). */
    public static final String POISON_COOKIE = "v_poison";
    /** Features bit 1 is "reserved, must always be set" ({@code HD_RESERVED}). */
    public static final int FEATURE_RESERVED = 0x00000002;
    public static final int FILE_FORMAT_VERSION = 0x00010000;
    /** blktap writes creator "tap\0" (tapdisk, vhd-util, libvhd). */
    public static final String CREATOR_TAP = "tap";
    /** blktap's current creator version ({@code VHD_CURRENT_VERSION}). */
    public static final int TAP_CURRENT_VERSION = VhdFormat.version(1, 3);

    static final int OFF_COOKIE = 0;
    static final int OFF_FEATURES = 8;
    static final int OFF_FF_VERSION = 12;
    static final int OFF_DATA_OFFSET = 16;
    static final int OFF_TIMESTAMP = 24;
    static final int OFF_CREATOR_APP = 28;
    static final int OFF_CREATOR_VERSION = 32;
    static final int OFF_CREATOR_OS = 36;
    static final int OFF_ORIGINAL_SIZE = 40;
    static final int OFF_CURRENT_SIZE = 48;
    static final int OFF_GEOMETRY = 56;
    static final int OFF_DISK_TYPE = 60;
    static final int OFF_CHECKSUM = 64;
    static final int OFF_UUID = 68;
    static final int OFF_SAVED = 84;
    /** tapdisk's hidden flag, inside the spec's reserved area. */
    static final int OFF_HIDDEN = 85;

    private final byte[] raw;
    private final String cookie;
    private final int features;
    private final int fileFormatVersion;
    private final long dataOffset;
    private final long timestamp;
    private final byte[] creatorApplication;
    private final int creatorVersion;
    private final int creatorOs;
    private final long originalSize;
    private final long currentSize;
    private final int geometry;
    private final int diskTypeCode;
    private final int checksum;
    private final UUID uuid;
    private final int saved;
    private final int hidden;
    private final boolean checksumValid;
    private final boolean checksumIgnoresHidden;

    private VhdFooter(byte[] raw) {
        this.raw = raw;
        ByteBuffer b = ByteBuffer.wrap(raw);
        cookie = new String(raw, OFF_COOKIE, 8, StandardCharsets.ISO_8859_1);
        features = b.getInt(OFF_FEATURES);
        fileFormatVersion = b.getInt(OFF_FF_VERSION);
        dataOffset = b.getLong(OFF_DATA_OFFSET);
        timestamp = Integer.toUnsignedLong(b.getInt(OFF_TIMESTAMP));
        creatorApplication = Arrays.copyOfRange(raw, OFF_CREATOR_APP, OFF_CREATOR_APP + 4);
        creatorVersion = b.getInt(OFF_CREATOR_VERSION);
        creatorOs = b.getInt(OFF_CREATOR_OS);
        originalSize = b.getLong(OFF_ORIGINAL_SIZE);
        currentSize = b.getLong(OFF_CURRENT_SIZE);
        geometry = b.getInt(OFF_GEOMETRY);
        diskTypeCode = b.getInt(OFF_DISK_TYPE);
        checksum = b.getInt(OFF_CHECKSUM);
        uuid = new UUID(b.getLong(OFF_UUID), b.getLong(OFF_UUID + 8));
        saved = raw[OFF_SAVED] & 0xFF;
        hidden = raw[OFF_HIDDEN] & 0xFF;

        boolean ok = VhdChecksum.compute(raw, OFF_CHECKSUM) == checksum;
        boolean quirk = false;
        if (!ok && hidden != 0 && isTapdisk()
                && (creatorVersion == VhdFormat.version(0, 1) || creatorVersion == VhdFormat.version(1, 1))) {
            // Early td-util did not recompute the checksum when marking a VHD hidden
            // (libvhd vhd_validate_footer): retry with hidden = 0.
            byte[] copy = raw.clone();
            copy[OFF_HIDDEN] = 0;
            quirk = VhdChecksum.compute(copy, OFF_CHECKSUM) == checksum;
            ok = quirk;
        }
        checksumValid = ok;
        checksumIgnoresHidden = quirk;
    }

    /** Parses 512 bytes from {@code src}'s position (a 511-byte short footer is padded with a zero). */
    public static VhdFooter parse(ByteBuffer src) {
        byte[] raw = new byte[SIZE];
        src.get(raw, 0, Math.min(SIZE, src.remaining()));
        return new VhdFooter(raw);
    }

    public static VhdFooter parse(byte[] bytes) {
        return parse(ByteBuffer.wrap(bytes));
    }

    /** A cookie of {@code conectix} or {@code v_poison} and a matching checksum (libvhd's rule). */
    public boolean isValid() {
        return hasCookie() && checksumValid;
    }

    /** The cookie is one blktap accepts. */
    public boolean hasCookie() {
        return COOKIE.equals(cookie) || POISON_COOKIE.equals(cookie);
    }

    /** The VHD was disabled by an interrupted journaled resize. */
    public boolean isPoisoned() {
        return POISON_COOKIE.equals(cookie);
    }

    /** True when the 512 bytes are all {@code 0xC7}, the pattern tapdisk writes over an open VHD's footer. */
    public boolean isKilledByTapdisk() {
        for (byte x : raw) {
            if (x != (byte) 0xC7) {
                return false;
            }
        }
        return true;
    }

    /** Why {@link #isValid()} is false, for messages; null when valid. */
    public String invalidReason() {
        if (!hasCookie()) {
            if (isKilledByTapdisk()) {
                return "overwritten with 0xC7 bytes (tapdisk marks the footer of a VHD open read-write this way)";
            }
            return "no 'conectix' cookie";
        }
        if (!checksumValid) {
            return String.format("checksum 0x%08x does not match the computed 0x%08x",
                    checksum, VhdChecksum.compute(raw, OFF_CHECKSUM));
        }
        return null;
    }

    public boolean checksumValid() {
        return checksumValid;
    }

    /** The checksum only matched with the hidden byte taken as zero (tap 0.1/1.1 quirk). */
    public boolean checksumIgnoresHidden() {
        return checksumIgnoresHidden;
    }

    public String cookie() {
        return cookie;
    }

    public int features() {
        return features;
    }

    public int fileFormatVersion() {
        return fileFormatVersion;
    }

    /** Offset of the dynamic header, or {@link VhdFormat#NO_OFFSET} for fixed disks. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Seconds since 2000-01-01 UTC (some writers count from 1970). */
    public long timestamp() {
        return timestamp;
    }

    /** The four creator-application bytes as text, NULs kept ("tap\0", "qemu", "xo  ", "vpc "). */
    public String creatorApplication() {
        return new String(creatorApplication, StandardCharsets.ISO_8859_1);
    }

    /** Creator application "tap" (blktap): its version decides batmap, bitmap order and hidden quirks. */
    public boolean isTapdisk() {
        // libvhd vhd_creator_tapdisk: strncmp(crtr_app, "tap", 3)
        return creatorApplication[0] == 't' && creatorApplication[1] == 'a' && creatorApplication[2] == 'p';
    }

    public int creatorVersion() {
        return creatorVersion;
    }

    public int creatorOs() {
        return creatorOs;
    }

    public long originalSize() {
        return originalSize;
    }

    /** The virtual size in bytes (authoritative). */
    public long currentSize() {
        return currentSize;
    }

    public int geometry() {
        return geometry;
    }

    public int diskTypeCode() {
        return diskTypeCode;
    }

    /** The disk type, or null for an unknown code. */
    public VhdDiskType diskType() {
        return VhdDiskType.of(diskTypeCode);
    }

    public int checksum() {
        return checksum;
    }

    /** The image's own uuid (not the VDI uuid); a child's {@code prt_uuid} names it. */
    public UUID uuid() {
        return uuid;
    }

    public int saved() {
        return saved;
    }

    /** tapdisk's hidden byte (offset 85); non-zero means hidden. */
    public boolean hidden() {
        return hidden != 0;
    }

    public int hiddenByte() {
        return hidden;
    }

    /** A copy of the 512 bytes. */
    public byte[] toBytes() {
        return raw.clone();
    }

    /** Names of the fields that differ between this footer and {@code other}, for reports. */
    public List<String> differences(VhdFooter other) {
        List<String> d = new ArrayList<>();
        if (!cookie.equals(other.cookie)) d.add("cookie");
        if (features != other.features) d.add("features");
        if (fileFormatVersion != other.fileFormatVersion) d.add("file-format-version");
        if (dataOffset != other.dataOffset) d.add("data-offset");
        if (timestamp != other.timestamp) d.add("timestamp");
        if (!Arrays.equals(creatorApplication, other.creatorApplication)) d.add("creator-application");
        if (creatorVersion != other.creatorVersion) d.add("creator-version");
        if (creatorOs != other.creatorOs) d.add("creator-os");
        if (originalSize != other.originalSize) d.add("original-size");
        if (currentSize != other.currentSize) d.add("current-size");
        if (geometry != other.geometry) d.add("geometry");
        if (diskTypeCode != other.diskTypeCode) d.add("disk-type");
        if (!uuid.equals(other.uuid)) d.add("uuid");
        if (saved != other.saved) d.add("saved");
        if (hidden != other.hidden) d.add("hidden");
        if (d.isEmpty() && !Arrays.equals(raw, other.raw)) d.add("reserved bytes or checksum");
        return d;
    }

    /** Builds footers for {@link VhdWriter} and tests. */
    public static final class Builder {
        private final byte[] raw = new byte[SIZE];
        private final ByteBuffer b = ByteBuffer.wrap(raw);

        public Builder() {
            System.arraycopy(COOKIE.getBytes(StandardCharsets.ISO_8859_1), 0, raw, OFF_COOKIE, 8);
            b.putInt(OFF_FEATURES, FEATURE_RESERVED);
            b.putInt(OFF_FF_VERSION, FILE_FORMAT_VERSION);
            b.putLong(OFF_DATA_OFFSET, VhdFormat.NO_OFFSET);
            raw[OFF_CREATOR_APP] = 't';
            raw[OFF_CREATOR_APP + 1] = 'a';
            raw[OFF_CREATOR_APP + 2] = 'p';
            b.putInt(OFF_CREATOR_VERSION, TAP_CURRENT_VERSION);
        }

        public Builder(VhdFooter from) {
            System.arraycopy(from.raw, 0, raw, 0, SIZE);
        }

        public Builder dataOffset(long v) { b.putLong(OFF_DATA_OFFSET, v); return this; }
        public Builder timestamp(long vhdSeconds) { b.putInt(OFF_TIMESTAMP, (int) vhdSeconds); return this; }
        public Builder creatorVersion(int v) { b.putInt(OFF_CREATOR_VERSION, v); return this; }
        public Builder geometry(int v) { b.putInt(OFF_GEOMETRY, v); return this; }
        public Builder diskType(VhdDiskType t) { b.putInt(OFF_DISK_TYPE, t.code()); return this; }
        public Builder hidden(boolean h) { raw[OFF_HIDDEN] = (byte) (h ? 1 : 0); return this; }

        public Builder creatorApplication(String app) {
            byte[] a = app.getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < 4; i++) {
                raw[OFF_CREATOR_APP + i] = i < a.length ? a[i] : 0;
            }
            return this;
        }

        public Builder size(long bytes) {
            b.putLong(OFF_ORIGINAL_SIZE, bytes);
            b.putLong(OFF_CURRENT_SIZE, bytes);
            return this;
        }

        public Builder currentSize(long bytes) { b.putLong(OFF_CURRENT_SIZE, bytes); return this; }

        public Builder uuid(UUID u) {
            b.putLong(OFF_UUID, u.getMostSignificantBits());
            b.putLong(OFF_UUID + 8, u.getLeastSignificantBits());
            return this;
        }

        /** The footer with its checksum computed. */
        public VhdFooter build() {
            b.putInt(OFF_CHECKSUM, VhdChecksum.compute(raw, OFF_CHECKSUM));
            return new VhdFooter(raw.clone());
        }
    }

    /**
     * CHS geometry as blktap computes it ({@code vhd_chs}, from the VHD specification appendix):
     * cylinders in the high 16 bits, heads, sectors per track.
     */
    public static int chsGeometry(long sizeBytes) {
        long secs = Math.max(1, (sizeBytes + VhdFormat.SECTOR_SIZE - 1) >> VhdFormat.SECTOR_SHIFT);
        long spt;
        long cth;
        long heads;
        secs = Math.min(secs, 65535L * 16 * 255);
        if (secs >= 65535L * 16 * 63) {
            spt = 255;
            cth = secs / spt;
            heads = 16;
        } else {
            spt = 17;
            cth = secs / spt;
            heads = (cth + 1023) / 1024;
            if (heads < 4) {
                heads = 4;
            }
            if (cth >= heads * 1024 || heads > 16) {
                spt = 31;
                cth = secs / spt;
                heads = 16;
            }
            if (cth >= heads * 1024) {
                spt = 63;
                cth = secs / spt;
                heads = 16;
            }
        }
        long cylinders = cth / heads;
        return (int) ((cylinders << 16) | (heads << 8) | spt);
    }
}
