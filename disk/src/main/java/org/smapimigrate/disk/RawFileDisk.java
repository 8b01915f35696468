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

    private RawFileDisk(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    /** Opens {@code path} read-only; its size is the file's (or block device's) size. */
    public static RawFileDisk open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new RawFileDisk(path, ch, ch.size());
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
        return new RawFileDisk(path, ch, size);
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
        return length == 0 ? List.of() : List.of(new Extent(offset, length, ExtentKind.DATA));
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
