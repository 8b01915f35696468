package org.smapimigrate.vhd;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.VirtualDisk;

/**
 * One VHD image (fixed, dynamic or differencing) parsed from a container: a file
 * ({@link org.smapimigrate.disk.RawFileDisk}) or a logical volume. Knows its own blocks only;
 * {@link org.smapimigrate.chain.VhdChain} reads through parents.
 *
 * <p>Opening follows blktap (doc smapiv1-layout part C): the footer at container end − 512, then a
 * 511-byte short footer, then the copy at offset 0; every offset and length read from the image is
 * checked against the container before use. Non-fatal defects become {@link #findings()}; fatal
 * ones an {@link ImageDefectException} with a stable code.
 *
 * <p>Thread-safe for reads. Closing closes the container.
 */
public final class VhdImage implements Closeable {
    /** Where the footer in use was found. */
    public enum FooterSource { PRIMARY, SHORT, COPY_AT_ZERO }

    /** Bitmap cache budget per image: bounded whatever the disk size. */
    private static final int BITMAP_CACHE_BYTES = 256 * 1024;
    /** Refuse absurd virtual sizes before allocating a BAT for them (32 TiB of 2 MiB blocks). */
    private static final long MAX_BAT_ENTRIES = 1L << 24;
    private static final int MAX_BLOCK_SIZE = 1 << 28;
    private static final int MAX_BATMAP_BYTES = 1 << 24;

    private final VirtualDisk container;
    private final String name;
    private final VhdFooter footer;
    private final VhdFooter footerCopy;
    private final FooterSource footerSource;
    private final DynamicHeader header;
    private final BlockAllocationTable bat;
    private final Batmap batmap;
    private final List<ParentLocator> locators;
    private final boolean hidden;
    private final long dataEnd;
    private final List<Finding> findings;
    private final int sectorsPerBlock;
    private final int bitmapBytes;
    private final Map<Integer, SectorBitmap> bitmapCache;

    private VhdImage(Parse p) {
        container = p.container;
        name = p.name;
        footer = p.footer;
        footerCopy = p.copy;
        footerSource = p.source;
        header = p.header;
        bat = p.bat;
        batmap = p.batmap;
        locators = Collections.unmodifiableList(p.locators);
        hidden = p.hidden;
        dataEnd = p.dataEnd;
        findings = Collections.unmodifiableList(p.findings);
        sectorsPerBlock = header == null ? 0 : (int) (header.blockSize() >> VhdFormat.SECTOR_SHIFT);
        bitmapBytes = header == null ? 0 : SectorBitmap.sizeInBytes(sectorsPerBlock);
        int maxEntries = bitmapBytes == 0 ? 0 : Math.max(8, BITMAP_CACHE_BYTES / bitmapBytes);
        bitmapCache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, SectorBitmap> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /**
     * Parses the VHD held in {@code container}. On success the image owns the container (closing
     * the image closes it); on failure the caller still owns it.
     *
     * @param name how messages and exceptions name the image (a path or an LV name)
     * @throws ImageDefectException with codes {@code not-a-vhd}, {@code no-valid-footer},
     *         {@code invalid-footer}, {@code interrupted-resize}, {@code invalid-header},
     *         {@code bad-header-checksum}, {@code truncated}, {@code old-bitmap-format}
     */
    public static VhdImage open(VirtualDisk container, String name) throws IOException {
        Parse p = new Parse(container, name);
        p.run();
        return new VhdImage(p);
    }

    /** The container the image was parsed from. */
    public VirtualDisk container() {
        return container;
    }

    public String name() {
        return name;
    }

    /** The footer in use (see {@link #footerSource()}). */
    public VhdFooter footer() {
        return footer;
    }

    /** The valid footer copy at offset 0 of a dynamic or differencing image, or null. */
    public VhdFooter footerCopy() {
        return footerCopy;
    }

    public FooterSource footerSource() {
        return footerSource;
    }

    /** The dynamic header, or null for a fixed disk. */
    public DynamicHeader header() {
        return header;
    }

    /** The BAT (used entries only), or null for a fixed disk. */
    public BlockAllocationTable bat() {
        return bat;
    }

    /** The batmap when the image has one (creator tap ≥ 1.2), trusted or not; else null. */
    public Batmap batmap() {
        return batmap;
    }

    public VhdDiskType diskType() {
        return footer.diskType();
    }

    /** Virtual size in bytes (footer current size). */
    public long virtualSize() {
        return footer.currentSize();
    }

    /** Footer uuid (not a VDI uuid). */
    public UUID uuid() {
        return footer.uuid();
    }

    /**
     * The hidden flag as blktap reads it ({@code vhd_hidden}): footer byte 85, taken from the
     * offset-0 copy for tap 0.1/1.1 dynamic images.
     */
    public boolean hidden() {
        return hidden;
    }

    public boolean isDifferencing() {
        return footer.diskType() == VhdDiskType.DIFFERENCING;
    }

    /** The parent's footer uuid for a differencing disk, else null. */
    public UUID parentUuid() {
        return isDifferencing() ? header.parentUuid() : null;
    }

    /** A differencing disk whose parent is a raw image (prt_uuid all zeros). */
    public boolean parentIsRaw() {
        return isDifferencing() && header.parentIsRaw();
    }

    /** {@code prt_name} of a differencing disk (the parent's basename as written), else null. */
    public String parentUnicodeName() {
        return isDifferencing()
                ? header.parentUnicodeName(footer.isTapdisk() && footer.creatorVersion() == VhdFormat.version(0, 1))
                : null;
    }

    /**
     * The non-empty parent locators of a differencing disk in slot order, decoded; unusable ones
     * carry a {@link ParentLocator#problem()}. Empty for other disk types.
     */
    public List<ParentLocator> parentLocators() {
        return locators;
    }

    /** Block size in bytes; 0 for fixed disks. */
    public long blockSize() {
        return header == null ? 0 : header.blockSize();
    }

    public int sectorsPerBlock() {
        return sectorsPerBlock;
    }

    /** BAT entries the virtual size uses; 0 for fixed disks. */
    public int blockCount() {
        return bat == null ? 0 : bat.size();
    }

    /** Allocated blocks times block size (BAT entries within the virtual size); virtual size if fixed. */
    public long allocatedBytes() {
        return bat == null ? footer.currentSize() : (long) bat.allocatedCount() * header.blockSize();
    }

    /** The batmap says the data is encrypted (keyhash present); it cannot be read offline. */
    public boolean encrypted() {
        return batmap != null && batmap.encrypted();
    }

    /** Non-fatal defects found while opening. */
    public List<Finding> findings() {
        return findings;
    }

    /**
     * End of the region that may hold block data: the primary footer's offset when it is valid,
     * else the container end. Block data past it reads as zeros (doc part C, "Blocks").
     */
    public long dataEnd() {
        return dataEnd;
    }

    public boolean isBlockAllocated(int block) {
        return bat.isAllocated(block);
    }

    /** Container byte offset of the first data sector of an allocated block. */
    public long blockDataOffset(int block) {
        return (bat.sector(block) << VhdFormat.SECTOR_SHIFT) + bitmapBytes;
    }

    /** The trusted batmap marks the block fully written. */
    public boolean isBlockFull(int block) {
        return batmap != null && batmap.isFull(block);
    }

    /** The sector bitmap of an allocated block (cached, bounded). */
    public SectorBitmap bitmap(int block) throws IOException {
        synchronized (bitmapCache) {
            SectorBitmap cached = bitmapCache.get(block);
            if (cached != null) {
                return cached;
            }
        }
        ByteBuffer buf = ByteBuffer.allocate(bitmapBytes);
        container.read(buf, bat.sector(block) << VhdFormat.SECTOR_SHIFT);
        SectorBitmap bm = new SectorBitmap(buf.array(), sectorsPerBlock);
        synchronized (bitmapCache) {
            bitmapCache.put(block, bm);
        }
        return bm;
    }

    @Override
    public void close() throws IOException {
        container.close();
    }

    @Override
    public String toString() {
        return name;
    }

    /** The parsing steps, kept apart so the image itself stays immutable. */
    private static final class Parse {
        final VirtualDisk container;
        final String name;
        final long size;
        final List<Finding> findings = new ArrayList<>();
        final List<ParentLocator> locators = new ArrayList<>();
        VhdFooter footer;
        VhdFooter copy;
        FooterSource source;
        DynamicHeader header;
        BlockAllocationTable bat;
        Batmap batmap;
        boolean hidden;
        long dataEnd;

        Parse(VirtualDisk container, String name) {
            this.container = container;
            this.name = name;
            this.size = container.size();
        }

        void run() throws IOException {
            chooseFooter();
            VhdDiskType type = footer.diskType();
            if (footer.isPoisoned()) {
                throw defect("interrupted-resize", -1, "the VHD is disabled (cookie 'v_poison'): a journaled"
                        + " 'vhd-util resize' was interrupted; replay or revert it on the host"
                        + " (vhd-util revert -n FILE -j JOURNAL) before migrating");
            }
            if (type == null) {
                throw defect("invalid-footer", offsetOfFooter() + VhdFooter.OFF_DISK_TYPE,
                        "unsupported disk type " + footer.diskTypeCode() + " (expected 2 fixed, 3 dynamic, 4 differencing)");
            }
            if (footer.currentSize() < 0) {
                throw defect("invalid-footer", offsetOfFooter() + VhdFooter.OFF_CURRENT_SIZE,
                        "negative virtual size " + footer.currentSize());
            }
            if (footer.currentSize() % VhdFormat.SECTOR_SIZE != 0) {
                warn("size-not-sector-aligned", offsetOfFooter() + VhdFooter.OFF_CURRENT_SIZE,
                        "virtual size " + footer.currentSize() + " is not a multiple of 512 bytes");
            }
            if (type == VhdDiskType.FIXED) {
                parseFixed();
            } else {
                parseDynamic();
            }
        }

        private long offsetOfFooter() {
            return switch (source) {
                case PRIMARY -> size - VhdFooter.SIZE;
                case SHORT -> size - VhdFooter.SHORT_SIZE;
                case COPY_AT_ZERO -> 0;
            };
        }

        private void chooseFooter() throws IOException {
            VhdFooter primary = size >= VhdFooter.SIZE ? readFooter(size - VhdFooter.SIZE, VhdFooter.SIZE) : null;
            VhdFooter shortFooter = size >= VhdFooter.SHORT_SIZE
                    ? readFooter(size - VhdFooter.SHORT_SIZE, VhdFooter.SHORT_SIZE) : null;
            VhdFooter atZero = size >= VhdFooter.SIZE ? readFooter(0, VhdFooter.SIZE) : null;
            boolean zeroUsable = atZero != null && atZero.isValid() && atZero.diskType() != null
                    && atZero.diskType().hasBlockTable();

            if (primary != null && primary.isValid()) {
                footer = primary;
                source = FooterSource.PRIMARY;
                dataEnd = size - VhdFooter.SIZE;
            } else if (shortFooter != null && shortFooter.isValid()) {
                footer = shortFooter;
                source = FooterSource.SHORT;
                dataEnd = size - VhdFooter.SHORT_SIZE;
                warn("short-footer", size - VhdFooter.SHORT_SIZE, "the footer is the 511-byte form old"
                        + " Virtual PC versions wrote; read as blktap does");
            } else if (zeroUsable) {
                footer = atZero;
                source = FooterSource.COPY_AT_ZERO;
                // Without a valid tail footer, tapdisk may have written block data up to the end.
                dataEnd = size;
                String why = primary == null ? "the container is too small" : primary.invalidReason();
                warn("primary-footer-corrupt", Math.max(0, size - VhdFooter.SIZE), "the footer at the end is invalid ("
                        + why + "); using the intact copy at offset 0 as blktap does. Run 'vhd-util repair'"
                        + " on the host to restore it");
            } else {
                throw noFooter(primary, atZero);
            }

            if (footer.diskType() != null && footer.diskType().hasBlockTable() && source != FooterSource.COPY_AT_ZERO) {
                if (zeroUsable) {
                    copy = atZero;
                    List<String> diff = footer.differences(atZero);
                    if (!diff.isEmpty()) {
                        warn("footer-copies-differ", 0, "the footer copy at offset 0 differs from the footer at the"
                                + " end in " + String.join(", ", diff) + "; the footer at the end is used");
                    }
                } else {
                    warn("backup-footer-corrupt", 0, "the footer copy at offset 0 is invalid ("
                            + (atZero == null ? "too small" : atZero.invalidReason()) + "); the footer at the end is used");
                }
            }
        }

        private ImageDefectException noFooter(VhdFooter primary, VhdFooter atZero) throws IOException {
            boolean anyCookie = (primary != null && primary.hasCookie()) || (atZero != null && atZero.hasCookie());
            boolean header = false;
            if (size >= VhdFooter.SIZE + DynamicHeader.SIZE) {
                ByteBuffer b = ByteBuffer.allocate(8);
                container.read(b, VhdFooter.SIZE);
                header = DynamicHeader.COOKIE.equals(new String(b.array(), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            if (!anyCookie && !header) {
                return defect("not-a-vhd", -1, "not a VHD: no 'conectix' footer at the end (" + size
                        + " bytes) or at offset 0, and no dynamic header");
            }
            String tail = primary == null ? "container too small" : primary.invalidReason();
            String zero = atZero == null ? "container too small" : atZero.invalidReason();
            if (atZero != null && zero == null) {
                zero = "a fixed-disk footer, which cannot stand at offset 0";
            }
            return defect("no-valid-footer", Math.max(0, size - VhdFooter.SIZE), "no valid footer: the footer at"
                    + " the end is invalid (" + tail + ") and so is the copy at offset 0 (" + zero + ")");
        }

        private VhdFooter readFooter(long at, int length) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(length);
            container.read(b, at);
            b.flip();
            return VhdFooter.parse(b);
        }

        private void parseFixed() throws ImageDefectException {
            long footerBytes = source == FooterSource.SHORT ? VhdFooter.SHORT_SIZE : VhdFooter.SIZE;
            if (footer.currentSize() > size - footerBytes) {
                throw defect("truncated", size, "fixed disk of " + footer.currentSize() + " bytes but the container"
                        + " holds only " + (size - footerBytes) + " bytes of data before its footer");
            }
            dataEnd = footer.currentSize();
            hidden = footer.hidden();
        }

        private void parseDynamic() throws IOException {
            if (footer.isTapdisk() && footer.creatorVersion() == VhdFormat.version(0, 1)) {
                throw defect("old-bitmap-format", offsetOfFooter() + VhdFooter.OFF_CREATOR_VERSION,
                        "created by tapdisk 0.1, whose sector bitmaps are little-endian; convert it on the host"
                                + " with 'vhd-util update -n FILE' first");
            }
            long hdrOff = footer.dataOffset();
            if (hdrOff < 0 || hdrOff > size - DynamicHeader.SIZE) {
                throw defect("truncated", offsetOfFooter() + VhdFooter.OFF_DATA_OFFSET, "the dynamic header offset "
                        + Long.toUnsignedString(hdrOff) + " is beyond the end of the container (" + size + " bytes)");
            }
            ByteBuffer hb = ByteBuffer.allocate(DynamicHeader.SIZE);
            container.read(hb, hdrOff);
            hb.flip();
            header = DynamicHeader.parse(hb);
            if (!header.hasCookie()) {
                throw defect("invalid-header", hdrOff, "no 'cxsparse' cookie in the dynamic header");
            }
            if (!header.checksumValid()) {
                throw defect("bad-header-checksum", hdrOff + DynamicHeader.OFF_CHECKSUM, String.format(
                        "dynamic header checksum 0x%08x does not match the computed 0x%08x",
                        header.checksum(), header.computedChecksum()));
            }
            if (header.headerVersion() != DynamicHeader.HEADER_VERSION) {
                warn("unusual-header-version", hdrOff + DynamicHeader.OFF_HEADER_VERSION, String.format(
                        "dynamic header version 0x%08x (expected 0x00010000)", header.headerVersion()));
            }
            long bs = header.blockSize();
            if (bs < VhdFormat.SECTOR_SIZE || bs > MAX_BLOCK_SIZE || Long.bitCount(bs) != 1) {
                throw defect("invalid-header", hdrOff + DynamicHeader.OFF_BLOCK_SIZE,
                        "block size " + bs + " is not a power of two between 512 bytes and 256 MiB");
            }
            if (bs != VhdFormat.DEFAULT_BLOCK_SIZE) {
                warn("unusual-block-size", hdrOff + DynamicHeader.OFF_BLOCK_SIZE,
                        "block size " + bs + " (SM always uses 2 MiB); read exactly anyway");
            }
            long needed = (footer.currentSize() + bs - 1) / bs;
            if (needed > header.maxBatSize()) {
                throw defect("invalid-header", hdrOff + DynamicHeader.OFF_MAX_BAT_SIZE, "the BAT has "
                        + header.maxBatSize() + " entries but the virtual size " + footer.currentSize() + " needs " + needed);
            }
            if (needed > MAX_BAT_ENTRIES) {
                throw defect("invalid-header", offsetOfFooter() + VhdFooter.OFF_CURRENT_SIZE,
                        "virtual size " + footer.currentSize() + " is beyond what this reader supports");
            }
            long tableOff = header.tableOffset();
            if (tableOff < 0 || tableOff > size - needed * 4) {
                throw defect("truncated", hdrOff + DynamicHeader.OFF_TABLE_OFFSET, "the BAT (" + needed
                        + " entries at " + Long.toUnsignedString(tableOff) + ") lies beyond the end of the container ("
                        + size + " bytes)");
            }
            ByteBuffer bb = ByteBuffer.allocate((int) needed * 4);
            container.read(bb, tableOff);
            bb.flip();
            bat = BlockAllocationTable.parse(bb, (int) needed);

            readBatmap(tableOff);
            checkBlocks(tableOff, hdrOff);
            if (footer.diskType() == VhdDiskType.DIFFERENCING) {
                readLocators();
            }
            boolean oldTap = footer.isTapdisk() && footer.creatorVersion() == VhdFormat.version(1, 1);
            hidden = oldTap && copy != null ? copy.hidden() : footer.hidden();
        }

        private void readBatmap(long tableOff) throws IOException {
            int ver = footer.creatorVersion();
            if (!footer.isTapdisk() || Integer.compareUnsigned(ver, VhdFormat.version(0, 1)) <= 0) {
                return;
            }
            long at = tableOff + VhdFormat.padToSector(header.maxBatSize() * 4);
            boolean required = Integer.compareUnsigned(ver, VhdFormat.version(1, 2)) >= 0;
            if (at < 0 || at > size - Batmap.HEADER_SIZE) {
                if (required) {
                    warn("batmap-invalid", at, "the batmap header lies beyond the end of the container;"
                            + " sector bitmaps are used instead");
                }
                return;
            }
            ByteBuffer hb = ByteBuffer.allocate(Batmap.HEADER_SIZE);
            container.read(hb, at);
            hb.flip();
            Batmap header = Batmap.parseHeader(hb);
            if (!header.headerValid()) {
                // tap 1.1 images converted from 0.1 by vhd-update have no batmap (vhd_has_batmap).
                if (required) {
                    warn("batmap-invalid", at, "the batmap header is invalid (cookie '" + header.cookie()
                            + "', version " + VhdFormat.versionString(header.version())
                            + "); sector bitmaps are used instead");
                }
                return;
            }
            long readLen = 0;
            for (long len : Batmap.checksumLengths(footer.currentSize(), header.mapSectors())) {
                long off = header.mapOffset();
                if (len <= MAX_BATMAP_BYTES && off >= 0 && off <= size - len) {
                    readLen = Math.max(readLen, len);
                }
            }
            Batmap result = header;
            if (readLen > 0) {
                ByteBuffer mb = ByteBuffer.allocate((int) readLen);
                container.read(mb, header.mapOffset());
                result = header.withMap(mb.array(), footer.currentSize());
            }
            if (!result.trusted()) {
                warn("batmap-checksum-bad", at + Batmap.OFF_CHECKSUM, "the batmap checksum does not match its map"
                        + " (or the map lies outside the image); the batmap is ignored and the sector bitmaps decide,"
                        + " as tapdisk does when opening read-only");
            }
            batmap = result;
        }

        /** BAT entries must point inside the container; report blocks cut short and overlaps. */
        private void checkBlocks(long tableOff, long hdrOff) throws ImageDefectException {
            int spb = (int) (header.blockSize() >> VhdFormat.SECTOR_SHIFT);
            long bmBytes = SectorBitmap.sizeInBytes(spb);
            long blockSectors = (bmBytes >> VhdFormat.SECTOR_SHIFT) + spb;
            int n = bat.size();
            int[] keys = new int[bat.allocatedCount()];
            int k = 0;
            int cutShort = 0;
            int firstCut = -1;
            long missing = 0;
            for (int i = 0; i < n; i++) {
                if (!bat.isAllocated(i)) {
                    continue;
                }
                long off = bat.sector(i) << VhdFormat.SECTOR_SHIFT;
                if (off + bmBytes > dataEnd) {
                    throw defect("truncated", tableOff + 4L * i, "BAT entry " + i + " points at byte " + off
                            + ", at or beyond the end of the image data (" + dataEnd + " of " + size
                            + " bytes): the file was cut short and the block's data is lost");
                }
                if (off + bmBytes + header.blockSize() > dataEnd) {
                    cutShort++;
                    missing += off + bmBytes + header.blockSize() - dataEnd;
                    if (firstCut < 0) {
                        firstCut = i;
                    }
                }
                keys[k++] = bat.entry(i) ^ Integer.MIN_VALUE;
            }
            if (cutShort > 0) {
                warn("block-cut-short", bat.sector(firstCut) << VhdFormat.SECTOR_SHIFT, cutShort + " block(s), first"
                        + " block " + firstCut + ", end past the image data; the missing " + missing + " bytes read as"
                        + " zeros, as"
                        + " libvhd does for blocks written sparsely by 'vhd-util coalesce -s'");
            }
            Arrays.sort(keys);
            long metaEnd = Math.max(hdrOff + DynamicHeader.SIZE, tableOff + 4L * n);
            long prevEnd = -1;
            for (int key : keys) {
                long sector = Integer.toUnsignedLong(key ^ Integer.MIN_VALUE);
                long start = sector << VhdFormat.SECTOR_SHIFT;
                if (start < metaEnd || (prevEnd >= 0 && sector < prevEnd)) {
                    warn("bat-overlap", start, "a block at sector " + sector + " overlaps the headers or another"
                            + " block; its bytes are read as they are, as blktap would");
                    break;
                }
                prevEnd = sector + blockSectors;
            }
        }

        private void readLocators() throws IOException {
            for (ParentLocator entry : header.locatorEntries()) {
                if (entry.code() == 0) {
                    continue;
                }
                ParentLocator loc = decodeLocator(entry);
                if (!loc.usable()) {
                    warn("bad-locator", DynamicHeader.OFF_LOCATORS + entry.slot() * ParentLocator.ENTRY_SIZE
                            + footer.dataOffset(), "parent locator " + entry.slot() + " is unusable: " + loc.problem());
                }
                locators.add(loc);
            }
        }

        private ParentLocator decodeLocator(ParentLocator e) throws IOException {
            PlatformCode p = e.platform();
            if (p == null) {
                return e.withProblem(String.format("unknown platform code 0x%08x", e.code()));
            }
            if (p == PlatformCode.MAC) {
                return e.withProblem("a Mac OS alias blob cannot be followed");
            }
            long space = ParentLocator.spaceBytes(e.dataSpace());
            if (space < 0) {
                return e.withProblem("invalid data_space " + e.dataSpace());
            }
            if (e.dataLength() == 0 || e.dataLength() > space || e.dataLength() > 4096) {
                return e.withProblem("data length " + e.dataLength() + " does not fit its space of " + space + " bytes");
            }
            if (e.dataOffset() < 0 || e.dataOffset() > size - e.dataLength()) {
                return e.withProblem("data at " + Long.toUnsignedString(e.dataOffset()) + " lies beyond the end of the image");
            }
            ByteBuffer b = ByteBuffer.allocate((int) e.dataLength());
            container.read(b, e.dataOffset());
            String path = ParentLocator.decode(p, b.array());
            if (path == null || path.isEmpty()) {
                return e.withProblem("its data does not decode to a path");
            }
            return e.withPath(path);
        }

        private void warn(String code, long offset, String message) {
            findings.add(new Finding(code, name, offset, message));
        }

        private ImageDefectException defect(String code, long offset, String detail) {
            return new ImageDefectException(code, name, offset, detail);
        }
    }
}
