package org.smapimigrate.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * The 1024-byte dynamic disk header at the footer's data_offset (spec "Dynamic Disk Header
 * Format"; blktap {@code vhd_header_t}). Immutable; locator paths are decoded by {@link VhdImage}.
 */
public final class DynamicHeader {
    public static final int SIZE = 1024;
    public static final String COOKIE = "cxsparse";
    public static final int HEADER_VERSION = 0x00010000;
    public static final int LOCATOR_COUNT = 8;

    static final int OFF_COOKIE = 0;
    static final int OFF_DATA_OFFSET = 8;
    static final int OFF_TABLE_OFFSET = 16;
    static final int OFF_HEADER_VERSION = 24;
    static final int OFF_MAX_BAT_SIZE = 28;
    static final int OFF_BLOCK_SIZE = 32;
    static final int OFF_CHECKSUM = 36;
    static final int OFF_PARENT_UUID = 40;
    static final int OFF_PARENT_TIMESTAMP = 56;
    static final int OFF_PARENT_NAME = 64;
    static final int PARENT_NAME_SIZE = 512;
    static final int OFF_LOCATORS = 576;

    private final byte[] raw;
    private final String cookie;
    private final long dataOffset;
    private final long tableOffset;
    private final int headerVersion;
    private final long maxBatSize;
    private final long blockSize;
    private final int checksum;
    private final UUID parentUuid;
    private final long parentTimestamp;
    private final List<ParentLocator> locatorEntries;

    private DynamicHeader(byte[] raw) {
        this.raw = raw;
        ByteBuffer b = ByteBuffer.wrap(raw);
        cookie = new String(raw, OFF_COOKIE, 8, StandardCharsets.ISO_8859_1);
        dataOffset = b.getLong(OFF_DATA_OFFSET);
        tableOffset = b.getLong(OFF_TABLE_OFFSET);
        headerVersion = b.getInt(OFF_HEADER_VERSION);
        maxBatSize = Integer.toUnsignedLong(b.getInt(OFF_MAX_BAT_SIZE));
        blockSize = Integer.toUnsignedLong(b.getInt(OFF_BLOCK_SIZE));
        checksum = b.getInt(OFF_CHECKSUM);
        parentUuid = new UUID(b.getLong(OFF_PARENT_UUID), b.getLong(OFF_PARENT_UUID + 8));
        parentTimestamp = Integer.toUnsignedLong(b.getInt(OFF_PARENT_TIMESTAMP));
        List<ParentLocator> locs = new ArrayList<>(LOCATOR_COUNT);
        for (int i = 0; i < LOCATOR_COUNT; i++) {
            locs.add(ParentLocator.entry(i, b, OFF_LOCATORS + i * ParentLocator.ENTRY_SIZE));
        }
        locatorEntries = Collections.unmodifiableList(locs);
    }

    public static DynamicHeader parse(ByteBuffer src) {
        byte[] raw = new byte[SIZE];
        src.get(raw);
        return new DynamicHeader(raw);
    }

    public static DynamicHeader parse(byte[] bytes) {
        return parse(ByteBuffer.wrap(bytes));
    }

    public boolean hasCookie() {
        return COOKIE.equals(cookie);
    }

    public boolean checksumValid() {
        return VhdChecksum.compute(raw, OFF_CHECKSUM) == checksum;
    }

    public int computedChecksum() {
        return VhdChecksum.compute(raw, OFF_CHECKSUM);
    }

    public String cookie() {
        return cookie;
    }

    /** Unused by the format; all-ones by the spec. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Byte offset of the BAT. */
    public long tableOffset() {
        return tableOffset;
    }

    public int headerVersion() {
        return headerVersion;
    }

    /** BAT entries on disk; may exceed what the virtual size uses (LVHD preallocates for 2 TiB). */
    public long maxBatSize() {
        return maxBatSize;
    }

    public long blockSize() {
        return blockSize;
    }

    public int checksum() {
        return checksum;
    }

    /** The parent's footer uuid; all zeros means a raw parent. */
    public UUID parentUuid() {
        return parentUuid;
    }

    /** True when {@code prt_uuid} is all zeros: the parent is a raw image ({@code vhd_parent_raw}). */
    public boolean parentIsRaw() {
        return parentUuid.getMostSignificantBits() == 0 && parentUuid.getLeastSignificantBits() == 0;
    }

    /** Parent modification time at link time (seconds since 2000); tapdisk ignores it. */
    public long parentTimestamp() {
        return parentTimestamp;
    }

    /**
     * {@code prt_name}: the parent's basename, UTF-16BE, up to the first NUL ({@code
     * vhd_header_decode_parent}; tapdisk 0.1 wrote UTF-16 with a byte-order mark).
     */
    public String parentUnicodeName(boolean tapdisk01) {
        byte[] name = new byte[PARENT_NAME_SIZE];
        System.arraycopy(raw, OFF_PARENT_NAME, name, 0, PARENT_NAME_SIZE);
        String s = new String(name, tapdisk01 ? StandardCharsets.UTF_16 : StandardCharsets.UTF_16BE);
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    /** The eight raw locator entries (paths not decoded). */
    public List<ParentLocator> locatorEntries() {
        return locatorEntries;
    }

    public byte[] toBytes() {
        return raw.clone();
    }

    /** Builds headers for {@link VhdWriter} and tests. */
    public static final class Builder {
        private final byte[] raw = new byte[SIZE];
        private final ByteBuffer b = ByteBuffer.wrap(raw);

        public Builder() {
            System.arraycopy(COOKIE.getBytes(StandardCharsets.ISO_8859_1), 0, raw, 0, 8);
            b.putLong(OFF_DATA_OFFSET, VhdFormat.NO_OFFSET);
            b.putInt(OFF_HEADER_VERSION, HEADER_VERSION);
            b.putInt(OFF_BLOCK_SIZE, VhdFormat.DEFAULT_BLOCK_SIZE);
        }

        public Builder tableOffset(long v) { b.putLong(OFF_TABLE_OFFSET, v); return this; }
        public Builder maxBatSize(long v) { b.putInt(OFF_MAX_BAT_SIZE, (int) v); return this; }
        public Builder blockSize(long v) { b.putInt(OFF_BLOCK_SIZE, (int) v); return this; }
        public Builder parentTimestamp(long v) { b.putInt(OFF_PARENT_TIMESTAMP, (int) v); return this; }

        public Builder parentUuid(UUID u) {
            b.putLong(OFF_PARENT_UUID, u.getMostSignificantBits());
            b.putLong(OFF_PARENT_UUID + 8, u.getLeastSignificantBits());
            return this;
        }

        public Builder parentUnicodeName(String name) {
            byte[] n = name.getBytes(StandardCharsets.UTF_16BE);
            if (n.length > PARENT_NAME_SIZE) {
                throw new IllegalArgumentException("parent name too long: " + name);
            }
            java.util.Arrays.fill(raw, OFF_PARENT_NAME, OFF_PARENT_NAME + PARENT_NAME_SIZE, (byte) 0);
            System.arraycopy(n, 0, raw, OFF_PARENT_NAME, n.length);
            return this;
        }

        public Builder locator(int slot, PlatformCode code, long dataSpace, long dataLength, long dataOffset) {
            int at = OFF_LOCATORS + slot * ParentLocator.ENTRY_SIZE;
            b.putInt(at, code.code());
            b.putInt(at + 4, (int) dataSpace);
            b.putInt(at + 8, (int) dataLength);
            b.putInt(at + 12, 0);
            b.putLong(at + 16, dataOffset);
            return this;
        }

        public DynamicHeader build() {
            b.putInt(OFF_CHECKSUM, VhdChecksum.compute(raw, OFF_CHECKSUM));
            return new DynamicHeader(raw.clone());
        }
    }
}
