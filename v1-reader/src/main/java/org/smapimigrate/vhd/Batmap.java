package org.smapimigrate.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * blktap's batmap (blktap {@code vhd_batmap_t}, doc part C): a header sector at
 * {@code table_offset + roundup512(max_bat_size * 4)} and a bitmap with one bit per block, set
 * when the block is fully written (tapdisk then skips the sector bitmap). Written on close only, so
 * it may lack bits but never has wrong ones; trusted only when its checksum matches.
 */
public final class Batmap {
    public static final int HEADER_SIZE = 512;
    public static final String COOKIE = "tdbatmap";
    /** {@code VHD_BATMAP_CURRENT_VERSION}. */
    public static final int CURRENT_VERSION = VhdFormat.version(1, 2);
    /** Version 1.1 summed signed chars in its checksum. */
    public static final int VERSION_1_1 = VhdFormat.version(1, 1);
    /** keyhash.cookie value meaning the data is encrypted ({@code vhd_keyhash}). */
    public static final int KEYHASH_PRESENT = 1;

    static final int OFF_COOKIE = 0;
    static final int OFF_MAP_OFFSET = 8;
    static final int OFF_MAP_SIZE = 16;
    static final int OFF_VERSION = 20;
    static final int OFF_CHECKSUM = 24;
    static final int OFF_MARKER = 28;
    static final int OFF_KEYHASH_COOKIE = 29;
    static final int OFF_KEYHASH_NONCE = 30;
    static final int OFF_KEYHASH_HASH = 62;

    private final String cookie;
    private final long mapOffset;
    private final long mapSectors;
    private final int version;
    private final int checksum;
    private final int keyhashCookie;
    /** The checksummed part of the map, or null when the checksum did not match. */
    private final byte[] trustedMap;

    private Batmap(String cookie, long mapOffset, long mapSectors, int version, int checksum,
                   int keyhashCookie, byte[] trustedMap) {
        this.cookie = cookie;
        this.mapOffset = mapOffset;
        this.mapSectors = mapSectors;
        this.version = version;
        this.checksum = checksum;
        this.keyhashCookie = keyhashCookie;
        this.trustedMap = trustedMap;
    }

    /** Parses the header sector; the map is attached with {@link #withMap}. */
    public static Batmap parseHeader(ByteBuffer src) {
        byte[] h = new byte[HEADER_SIZE];
        src.get(h);
        ByteBuffer b = ByteBuffer.wrap(h);
        return new Batmap(new String(h, 0, 8, StandardCharsets.ISO_8859_1), b.getLong(OFF_MAP_OFFSET),
                Integer.toUnsignedLong(b.getInt(OFF_MAP_SIZE)), b.getInt(OFF_VERSION), b.getInt(OFF_CHECKSUM),
                h[OFF_KEYHASH_COOKIE] & 0xFF, null);
    }

    /** blktap's header validation ({@code vhd_validate_batmap_header}): cookie and version. */
    public boolean headerValid() {
        return COOKIE.equals(cookie) && Integer.compareUnsigned(version, CURRENT_VERSION) <= 0;
    }

    /**
     * Bytes of map the checksum covers. blktap 7977431 sums
     * {@code 512 * max(1, ceil((curr_size >> 24) / 512))} bytes ({@code vhd_checksum_batmap});
     * older blktap summed the whole {@code batmap_size} sectors. Both are accepted.
     */
    public static long[] checksumLengths(long currentSize, long mapSectors) {
        long bytes = currentSize >>> 24;
        long sectors = Math.max(1, (bytes + VhdFormat.SECTOR_SIZE - 1) / VhdFormat.SECTOR_SIZE);
        return new long[] {sectors * VhdFormat.SECTOR_SIZE, mapSectors * VhdFormat.SECTOR_SIZE};
    }

    /**
     * This batmap with {@code map} (read from {@link #mapOffset()}) attached if one of the
     * checksum rules matches over a prefix of it; otherwise untrusted.
     */
    public Batmap withMap(byte[] map, long currentSize) {
        for (long len : checksumLengths(currentSize, mapSectors)) {
            if (len <= map.length && VhdChecksum.batmap(map, (int) len, version == VERSION_1_1) == checksum) {
                byte[] trusted = new byte[(int) len];
                System.arraycopy(map, 0, trusted, 0, (int) len);
                return new Batmap(cookie, mapOffset, mapSectors, version, checksum, keyhashCookie, trusted);
            }
        }
        return this;
    }

    /** True when the map's checksum matched, so its bits may be used. */
    public boolean trusted() {
        return trustedMap != null;
    }

    /** The block is fully written (trusted batmap bit set). False when untrusted or out of range. */
    public boolean isFull(int block) {
        if (trustedMap == null || block >>> 3 >= trustedMap.length) {
            return false;
        }
        return (trustedMap[block >>> 3] & (0x80 >>> (block & 7))) != 0;
    }

    /** The data is encrypted with a key held outside the image (keyhash cookie 1). */
    public boolean encrypted() {
        return keyhashCookie == KEYHASH_PRESENT;
    }

    public String cookie() {
        return cookie;
    }

    public long mapOffset() {
        return mapOffset;
    }

    public long mapSectors() {
        return mapSectors;
    }

    public int version() {
        return version;
    }

    public int checksum() {
        return checksum;
    }

    public int keyhashCookie() {
        return keyhashCookie;
    }

    /** Encodes a batmap header sector (for {@link VhdWriter}). */
    public static byte[] encodeHeader(long mapOffset, long mapSectors, int checksum) {
        byte[] h = new byte[HEADER_SIZE];
        ByteBuffer b = ByteBuffer.wrap(h);
        System.arraycopy(COOKIE.getBytes(StandardCharsets.ISO_8859_1), 0, h, 0, 8);
        b.putLong(OFF_MAP_OFFSET, mapOffset);
        b.putInt(OFF_MAP_SIZE, (int) mapSectors);
        b.putInt(OFF_VERSION, CURRENT_VERSION);
        b.putInt(OFF_CHECKSUM, checksum);
        return h;
    }
}
