package org.smapimigrate.disk;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A plain file or block device read as a disk: a raw VDI, or the container a VHD parser reads.
 * Always opened read-only: a SMAPIv1 source is never written.
 */
public final class RawFileDisk implements VirtualDisk {
    private final Path path;
    private final FileChannel channel;
    private final long size;
    /** Where the file has holes (they read as zeros: no need to read them); null: read everything. */
    private final FileHoles holes;

    private RawFileDisk(Path path, FileChannel channel, long size, FileHoles holes) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.holes = holes;
    }

    /** Opens {@code path} read-only; its size is the file's (or block device's) size. */
    public static RawFileDisk open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new RawFileDisk(path, ch, ch.size(), null);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens the first {@code size} bytes of a file or block device read-only (a block device's
     * fstat size is 0, so the caller says how much of it is the disk).
     */
    public static RawFileDisk open(Path path, long size) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        return new RawFileDisk(path, ch, size, null);
    }

    /**
     * {@link #open(Path, long)} for a read-back: the holes of the file (found by {@link FileHoles}
     * when the extents are first asked for) are reported as unallocated, so a copy or hash reads
     * only what the file holds. The file must not change while it is read.
     */
    public static RawFileDisk openSkippingHoles(Path path, long size) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        return new RawFileDisk(path, ch, size, FileHoles.of(path, size));
    }

    public Path path() {
        return path;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        int want = dst.remaining();
        if (offset < 0 || offset + want > size) {
            throw new IllegalArgumentException(path + ": read of " + want + " bytes at " + offset
                    + " is outside the disk (size " + size + ")");
        }
        readFully(channel, dst, offset, path.toString());
    }

    /** Positional read of exactly {@code dst.remaining()} bytes; a short file is an EOFException. */
    public static void readFully(FileChannel ch, ByteBuffer dst, long offset, String name) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                throw new EOFException(name + ": unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    @Override
    public List<Extent> extents(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IllegalArgumentException("extent range outside " + path);
        }
        return FileHoles.cut(holes == null ? null : holes.dataRuns(), offset, length);
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
