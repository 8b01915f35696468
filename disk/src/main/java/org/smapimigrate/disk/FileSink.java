package org.smapimigrate.disk;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes into a regular file or a block device. A new or truncated regular file is sparse:
 * unwritten ranges are holes and read as zeros, so copies skip them.
 */
public final class FileSink implements DiskSink {
    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final boolean unwrittenReadsAsZero;

    private FileSink(Path path, FileChannel channel, long size, boolean unwrittenReadsAsZero) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.unwrittenReadsAsZero = unwrittenReadsAsZero;
    }

    /**
     * Creates (or truncates) a regular file of {@code size} bytes, all holes. Fails if the path is
     * an existing block device or directory.
     */
    public static FileSink createSparse(Path path, long size) throws IOException {
        // ftruncate to 0 and then to size leaves the whole file one hole, allocating nothing
        // (FileChannel.truncate cannot grow a file; a byte written at the end would allocate a block).
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.setLength(0);
            f.setLength(size);
        }
        return new FileSink(path, FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ), size, true);
    }

    /**
     * Opens an existing file or block device of at least {@code minSize} bytes for writing,
     * without truncating it: its old contents stay wherever the copy does not write.
     */
    public static FileSink openExisting(Path path, long minSize) throws IOException {
        long size = DeviceSize.of(path, -1);
        if (size < minSize) {
            throw new IOException(path + ": target is " + size + " bytes, needs " + minSize);
        }
        return open(path, size, false);
    }

    /**
     * Opens the file or block device a datapath handed out, whose size the caller knows; never
     * truncates or extends it (the volume plugin owns the size).
     *
     * @param unwrittenReadsAsZero true when the target is known to read as zeros wherever it is
     *                             not written (a volume just created as a sparse file)
     */
    public static FileSink open(Path path, long size, boolean unwrittenReadsAsZero) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
        return new FileSink(path, ch, size, unwrittenReadsAsZero);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        if (offset < 0 || offset + src.remaining() > size) {
            throw new IOException(path + ": write of " + src.remaining() + " bytes at " + offset
                    + " is past the end (" + size + ")");
        }
        long pos = offset;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            int n = (int) Math.min(Zeros.SIZE, end - pos);
            write(Zeros.of(n), pos);
            pos += n;
        }
    }

    @Override
    public boolean unwrittenReadsAsZero() {
        return unwrittenReadsAsZero;
    }

    @Override
    public void flush() throws IOException {
        channel.force(false);
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
