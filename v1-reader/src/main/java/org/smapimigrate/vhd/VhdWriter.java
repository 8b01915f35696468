package org.smapimigrate.vhd;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Writes dynamic and differencing VHD files laid out the way blktap's libvhd does
 * ({@code __vhd_create}, {@code __vhd_io_dynamic_write}): creator "tap" 1.3, footer copy at 0,
 * header at 512, BAT at 1536, batmap after the BAT, parent locators MacX/W2ku/W2ru holding
 * {@code ./<parent>} relative to the child, data blocks appended with their data 4 KiB aligned, the
 * footer after the last block. Writes are sector-granular: they set bitmap bits, and the batmap
 * bit once a block is full. Metadata is written on {@link #close()}.
 *
 * <p>{@link #open} reopens an existing dynamic or differencing VHD of this layout (blktap's or
 * ours) to write more, as tapdisk does after {@code tap-ctl unpause}: the BAT, batmap and partly
 * written blocks' bitmaps are read back, new blocks are appended after the last one.
 *
 * <p>Used by tests to build chains and to play a running VM's tapdisk, and by the live migration's
 * local controller to create the empty children of a snapshot, as {@code vhd-util snapshot} does.
 * Nothing that reads a SMAPIv1 source for migration writes through it.
 */
public final class VhdWriter implements Closeable {
    private static final int PAGE_SECTORS = 4096 / VhdFormat.SECTOR_SIZE;

    private final FileChannel channel;
    private final long size;
    private final int spb;
    private final int bitmapSectors;
    private final long maxBat;
    private final int[] bat;
    private final byte[] batmap;
    private final long batmapHeaderOffset;
    private final long batmapOffset;
    private final Map<Integer, byte[]> bitmaps = new HashMap<>();
    private final DynamicHeader header;
    private VhdFooter footer;
    private long nextFreeSector;
    private boolean closed;

    /** What to create; see {@link #dynamic} and {@link #differencing}. */
    public static final class Spec {
        private final Path file;
        private final Path parent;
        private long size;
        private long maxBatEntries;
        private boolean hidden;
        private boolean rawParent;
        private UUID uuid = UUID.randomUUID();

        private Spec(Path file, Path parent, long size) {
            this.file = file;
            this.parent = parent;
            this.size = size;
        }

        /** Virtual size in bytes, a multiple of 512 (blktap rounds to 2 MiB: see {@link #blktapSize}). */
        public Spec size(long bytes) {
            this.size = bytes;
            return this;
        }

        /** Preallocate the BAT and batmap for more blocks than the size needs (LVHD: 2 TiB). */
        public Spec maxBatEntries(long entries) {
            this.maxBatEntries = entries;
            return this;
        }

        public Spec hidden(boolean h) {
            this.hidden = h;
            return this;
        }

        public Spec uuid(UUID u) {
            this.uuid = u;
            return this;
        }

        /** The parent is a raw image: prt_uuid stays all zeros and the size defaults to the file's. */
        public Spec rawParent() {
            this.rawParent = true;
            return this;
        }

        public VhdWriter create() throws IOException {
            return new VhdWriter(this);
        }
    }

    /** A dynamic disk of {@code size} bytes. */
    public static Spec dynamic(Path file, long size) {
        return new Spec(file, null, size);
    }

    /** A differencing disk over the VHD (or, with {@link Spec#rawParent()}, raw image) {@code parent}. */
    public static Spec differencing(Path file, Path parent) {
        return new Spec(file, parent, -1);
    }

    /**
     * Opens an existing dynamic or differencing VHD to write more sectors into it, keeping its
     * footer (uuid, hidden flag, timestamps), header and parent locators. Metadata (BAT, batmap,
     * bitmaps, both footers) is written on {@link #close()}, as for a new file.
     *
     * @throws IOException naming the file and field when it is not a VHD this writer can extend:
     *                     a fixed disk, a block size other than 2 MiB, no batmap, a bad checksum
     */
    public static VhdWriter open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            return new VhdWriter(file, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Sets the hidden flag (footer byte 85) in both footer copies of {@code file} and nothing else,
     * as {@code vhd-util set -f hidden -v 1} does on a base copy (smapiv1-layout.md A, step 5).
     */
    public static void setHidden(Path file, boolean hidden) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = ch.size() - VhdFooter.SIZE;
            VhdFooter f = VhdFooter.parse(readAt(ch, at, VhdFooter.SIZE, file, "footer"));
            if (!f.isValid()) {
                throw new IOException(file + ": footer at offset " + at + " is not valid (" + f.invalidReason() + ")");
            }
            byte[] b = new VhdFooter.Builder(f).hidden(hidden).build().toBytes();
            for (long pos : new long[] {0, at}) {
                ByteBuffer buf = ByteBuffer.wrap(b);
                for (long p = pos; buf.hasRemaining(); ) {
                    p += ch.write(buf, p);
                }
            }
            ch.force(true);
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long at, int len, Path file, String what) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        if (at < 0) {
            throw new IOException(file + ": too short for its " + what + " at offset " + at);
        }
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new IOException(file + ": short read of its " + what + " at offset " + at);
            }
        }
        return b.flip();
    }

    /** Reopens {@code file}: see {@link #open}. */
    private VhdWriter(Path file, FileChannel ch) throws IOException {
        channel = ch;
        long fileSize = ch.size();
        VhdFooter f = VhdFooter.parse(readAt(ch, fileSize - VhdFooter.SIZE, VhdFooter.SIZE, file, "footer"));
        if (!f.isValid()) {
            throw new IOException(file + ": footer at offset " + (fileSize - VhdFooter.SIZE) + " is not valid ("
                    + f.invalidReason() + "); not reopened for writing");
        }
        if (f.diskType() != VhdDiskType.DYNAMIC && f.diskType() != VhdDiskType.DIFFERENCING) {
            throw new IOException(file + ": footer field disk_type is " + f.diskTypeCode()
                    + "; only dynamic (3) and differencing (4) VHDs can be reopened for writing");
        }
        footer = f;
        size = f.currentSize();
        DynamicHeader h = DynamicHeader.parse(readAt(ch, f.dataOffset(), DynamicHeader.SIZE, file, "dynamic header"));
        if (!h.hasCookie() || !h.checksumValid()) {
            throw new IOException(file + ": dynamic header at offset " + f.dataOffset() + " is not valid");
        }
        if (h.blockSize() != VhdFormat.DEFAULT_BLOCK_SIZE) {
            throw new IOException(file + ": header field block_size is " + h.blockSize() + "; only "
                    + VhdFormat.DEFAULT_BLOCK_SIZE + " can be reopened for writing");
        }
        header = h;
        spb = VhdFormat.DEFAULT_BLOCK_SIZE / VhdFormat.SECTOR_SIZE;
        bitmapSectors = SectorBitmap.sizeInBytes(spb) / VhdFormat.SECTOR_SIZE;
        long needed = (size + VhdFormat.DEFAULT_BLOCK_SIZE - 1) / VhdFormat.DEFAULT_BLOCK_SIZE;
        maxBat = h.maxBatSize();
        if (maxBat < needed) {
            throw new IOException(file + ": header field max_bat_size " + maxBat + " is below the " + needed
                    + " blocks of its size " + size);
        }
        ByteBuffer batBytes = readAt(ch, h.tableOffset(), (int) (needed * 4), file, "BAT");
        bat = new int[(int) needed];
        for (int i = 0; i < needed; i++) {
            bat[i] = batBytes.getInt();
        }
        batmapHeaderOffset = h.tableOffset() + VhdFormat.padToSector(maxBat * 4);
        Batmap bh = Batmap.parseHeader(readAt(ch, batmapHeaderOffset, Batmap.HEADER_SIZE, file, "batmap header"));
        if (!bh.headerValid() || bh.encrypted()) {
            throw new IOException(file + ": no usable batmap header at offset " + batmapHeaderOffset
                    + " (cookie '" + bh.cookie() + "'); only blktap's layout can be reopened for writing");
        }
        batmapOffset = bh.mapOffset();
        batmap = new byte[(int) (bh.mapSectors() * VhdFormat.SECTOR_SIZE)];
        readAt(ch, batmapOffset, batmap.length, file, "batmap").get(batmap);
        if (!bh.withMap(batmap, size).trusted()) {
            // A stale batmap only lacks bits (tapdisk writes it on close); the bitmaps decide then.
            Arrays.fill(batmap, (byte) 0);
        }
        long end = batmapOffset + batmap.length;
        for (ParentLocator l : h.locatorEntries()) {
            if (l.code() != 0) {
                end = Math.max(end, l.dataOffset() + Math.max(0, ParentLocator.spaceBytes(l.dataSpace())));
            }
        }
        long endSector = (end + VhdFormat.SECTOR_SIZE - 1) / VhdFormat.SECTOR_SIZE;
        for (int i = 0; i < bat.length; i++) {
            if (bat[i] == VhdFormat.UNUSED_BAT_ENTRY) {
                continue;
            }
            long blockEnd = Integer.toUnsignedLong(bat[i]) + bitmapSectors + spb;
            if (blockEnd * VhdFormat.SECTOR_SIZE > fileSize) {
                throw new IOException(file + ": BAT entry " + i + " points past the end of the file; not reopened");
            }
            endSector = Math.max(endSector, blockEnd);
            if ((batmap[i >>> 3] & (0x80 >>> (i & 7))) == 0) {
                byte[] bm = new byte[bitmapSectors * VhdFormat.SECTOR_SIZE];
                readAt(ch, Integer.toUnsignedLong(bat[i]) * VhdFormat.SECTOR_SIZE, bm.length, file, "bitmap").get(bm);
                if (new SectorBitmap(bm, spb).allSet(0, spb)) {
                    batmap[i >>> 3] |= (byte) (0x80 >>> (i & 7));
                } else {
                    bitmaps.put(i, bm);
                }
            }
        }
        nextFreeSector = endSector;
    }

    /** The size blktap gives a disk asked for {@code bytes}: rounded up to whole 2 MiB blocks. */
    public static long blktapSize(long bytes) {
        long bs = VhdFormat.DEFAULT_BLOCK_SIZE;
        return (bytes + bs - 1) / bs * bs;
    }

    private VhdWriter(Spec spec) throws IOException {
        VhdFooter parentFooter = null;
        long parentMtime = 0;
        long sz = spec.size;
        if (spec.parent != null) {
            parentMtime = Files.getLastModifiedTime(spec.parent).toMillis() / 1000 - VhdFormat.VHD_EPOCH_START;
            if (spec.rawParent) {
                if (sz < 0) {
                    sz = Files.size(spec.parent);
                }
            } else {
                parentFooter = readFooter(spec.parent);
                if (sz < 0) {
                    sz = parentFooter.currentSize();
                }
            }
        }
        if (sz <= 0 || sz % VhdFormat.SECTOR_SIZE != 0) {
            throw new IllegalArgumentException("size must be a positive multiple of 512: " + sz);
        }
        size = sz;
        spb = VhdFormat.DEFAULT_BLOCK_SIZE / VhdFormat.SECTOR_SIZE;
        bitmapSectors = SectorBitmap.sizeInBytes(spb) / VhdFormat.SECTOR_SIZE;
        long needed = (size + VhdFormat.DEFAULT_BLOCK_SIZE - 1) / VhdFormat.DEFAULT_BLOCK_SIZE;
        maxBat = Math.max(needed, spec.maxBatEntries);
        bat = new int[(int) needed];
        Arrays.fill(bat, VhdFormat.UNUSED_BAT_ENTRY);

        long tableOffset = 3L * VhdFormat.SECTOR_SIZE;
        batmapHeaderOffset = tableOffset + VhdFormat.padToSector(maxBat * 4);
        batmapOffset = batmapHeaderOffset + Batmap.HEADER_SIZE;
        long batmapSectors = Math.max(1, VhdFormat.padToSector((maxBat + 7) / 8) / VhdFormat.SECTOR_SIZE);
        batmap = new byte[(int) (batmapSectors * VhdFormat.SECTOR_SIZE)];
        long end = batmapOffset + batmap.length;

        long now = System.currentTimeMillis() / 1000 - VhdFormat.VHD_EPOCH_START;
        VhdDiskType type = spec.parent == null ? VhdDiskType.DYNAMIC : VhdDiskType.DIFFERENCING;
        footer = new VhdFooter.Builder().dataOffset(VhdFormat.SECTOR_SIZE).timestamp(now).size(size)
                .geometry(VhdFooter.chsGeometry(size)).diskType(type).uuid(spec.uuid).hidden(spec.hidden).build();
        DynamicHeader.Builder hb = new DynamicHeader.Builder().tableOffset(tableOffset).maxBatSize(maxBat);

        channel = FileChannel.open(spec.file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (spec.parent != null) {
                String parentName = spec.parent.getFileName().toString();
                String rel = relative(spec.file, spec.parent);
                hb.parentUnicodeName(parentName).parentTimestamp(parentMtime);
                if (parentFooter != null) {
                    hb.parentUuid(parentFooter.uuid());
                }
                byte[][] data = {
                    (ParentLocator.MACX_PREFIX + rel).getBytes(StandardCharsets.UTF_8),
                    windowsPath(rel).getBytes(StandardCharsets.UTF_16LE),
                    windowsPath(rel).getBytes(StandardCharsets.UTF_16LE),
                };
                PlatformCode[] codes = {PlatformCode.MACX, PlatformCode.W2KU, PlatformCode.W2RU};
                for (int i = 0; i < 3; i++) {
                    long space = VhdFormat.padToSector(data[i].length);
                    hb.locator(i, codes[i], space, data[i].length, end);
                    ByteBuffer b = ByteBuffer.allocate((int) space);
                    b.put(data[i]).clear();
                    writeFully(b, end);
                    end += space;
                }
            }
            header = hb.build();
            nextFreeSector = end / VhdFormat.SECTOR_SIZE;
            writeMetadata();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** {@code ./name} when the parent is beside the child, else the relative path (libvhd relative_path_to). */
    private static String relative(Path child, Path parent) throws IOException {
        Path dir = child.toAbsolutePath().normalize().getParent();
        String rel = dir.relativize(parent.toRealPath()).toString();
        if (rel.startsWith("../")) {
            dir = child.toAbsolutePath().getParent().toRealPath();
            rel = dir.relativize(parent.toRealPath()).toString();
        }
        return rel.startsWith("../") ? rel : "./" + rel;
    }

    /** W2ku/W2ru form ({@code vhd_w2u_encode_location}): {@code .\} prefix, backslashes. */
    private static String windowsPath(String rel) {
        String tail = rel.startsWith("./") ? rel.substring(2) : rel;
        return (".\\" + tail).replace('/', '\\');
    }

    private static VhdFooter readFooter(Path vhd) throws IOException {
        try (FileChannel ch = FileChannel.open(vhd, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(VhdFooter.SIZE);
            long at = ch.size() - VhdFooter.SIZE;
            while (b.hasRemaining()) {
                if (ch.read(b, at + b.position()) < 0) {
                    throw new IOException(vhd + ": short read of its footer");
                }
            }
            VhdFooter f = VhdFooter.parse(b.flip());
            if (!f.isValid()) {
                throw new IOException(vhd + ": not a VHD (" + f.invalidReason() + ")");
            }
            return f;
        }
    }

    public long size() {
        return size;
    }

    /** Sets the hidden flag (footer byte 85), as {@code vhd-util set -f hidden}. */
    public void setHidden(boolean hidden) {
        footer = new VhdFooter.Builder(footer).hidden(hidden).build();
    }

    /** Writes {@code data} (a whole number of sectors) at byte {@code offset} (a sector boundary). */
    public void write(long offset, byte[] data) throws IOException {
        write(offset, ByteBuffer.wrap(data));
    }

    /** Writes the remaining bytes of {@code src} (whole sectors) at byte {@code offset}. */
    public void write(long offset, ByteBuffer src) throws IOException {
        int len = src.remaining();
        if (offset < 0 || offset % VhdFormat.SECTOR_SIZE != 0 || len % VhdFormat.SECTOR_SIZE != 0
                || offset > size - len) {
            throw new IllegalArgumentException("write of " + len + " bytes at " + offset + " in a disk of " + size);
        }
        long sector = offset / VhdFormat.SECTOR_SIZE;
        long secs = len / VhdFormat.SECTOR_SIZE;
        ByteBuffer buf = src.duplicate();
        while (secs > 0) {
            int block = (int) (sector / spb);
            int sec = (int) (sector % spb);
            int cnt = (int) Math.min(secs, spb - sec);
            if (bat[block] == VhdFormat.UNUSED_BAT_ENTRY) {
                allocate(block);
            }
            long at = (Integer.toUnsignedLong(bat[block]) + bitmapSectors + sec) * VhdFormat.SECTOR_SIZE;
            buf.limit(buf.position() + cnt * VhdFormat.SECTOR_SIZE);
            writeFully(buf.slice(), at);
            buf.position(buf.limit());
            byte[] bm = bitmaps.get(block);
            if (bm != null) { // null: the block is already full and its bitmap on disk
                for (int i = sec; i < sec + cnt; i++) {
                    bm[i >>> 3] |= (byte) (0x80 >>> (i & 7));
                }
                if (new SectorBitmap(bm, spb).allSet(0, spb)) {
                    batmap[block >>> 3] |= (byte) (0x80 >>> (block & 7));
                    // A full block's bitmap never changes again: written now and forgotten, so memory
                    // grows with partly written blocks only, not with the data written.
                    writeFully(ByteBuffer.wrap(bm), Integer.toUnsignedLong(bat[block]) * VhdFormat.SECTOR_SIZE);
                    bitmaps.remove(block);
                }
            }
            sector += cnt;
            secs -= cnt;
        }
    }

    /** {@code __vhd_io_allocate_block}: append at the end of data, data region page aligned. */
    private void allocate(int block) {
        long max = nextFreeSector;
        long rem = (max + bitmapSectors) % PAGE_SECTORS;
        if (rem != 0) {
            max += PAGE_SECTORS - rem;
        }
        bat[block] = (int) max;
        bitmaps.put(block, new byte[bitmapSectors * VhdFormat.SECTOR_SIZE]);
        nextFreeSector = max + bitmapSectors + spb;
    }

    private void writeMetadata() throws IOException {
        writeFully(ByteBuffer.wrap(footer.toBytes()), 0);
        writeFully(ByteBuffer.wrap(header.toBytes()), VhdFormat.SECTOR_SIZE);
        ByteBuffer b = ByteBuffer.allocate((int) VhdFormat.padToSector(maxBat * 4));
        for (long i = 0; i < maxBat; i++) {
            b.putInt(i < bat.length ? bat[(int) i] : VhdFormat.UNUSED_BAT_ENTRY);
        }
        writeFully(b.clear(), header.tableOffset());
        long checksummed = Batmap.checksumLengths(size, batmap.length / VhdFormat.SECTOR_SIZE)[0];
        int sum = VhdChecksum.batmap(batmap, (int) Math.min(checksummed, batmap.length), false);
        writeFully(ByteBuffer.wrap(Batmap.encodeHeader(batmapOffset, batmap.length / VhdFormat.SECTOR_SIZE, sum)),
                batmapHeaderOffset);
        writeFully(ByteBuffer.wrap(batmap), batmapOffset);
        for (Map.Entry<Integer, byte[]> e : bitmaps.entrySet()) {
            writeFully(ByteBuffer.wrap(e.getValue()), Integer.toUnsignedLong(bat[e.getKey()]) * VhdFormat.SECTOR_SIZE);
        }
        long end = nextFreeSector * VhdFormat.SECTOR_SIZE;
        writeFully(ByteBuffer.wrap(footer.toBytes()), end);
        channel.truncate(end + VhdFooter.SIZE);
    }

    private void writeFully(ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            pos += channel.write(b, pos);
        }
    }

    /** Writes the BAT, batmap, bitmaps and both footers, and closes the file. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writeMetadata();
        } finally {
            channel.close();
        }
    }
}
