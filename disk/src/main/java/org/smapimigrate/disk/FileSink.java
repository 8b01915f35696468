package org.smapimigrate.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes into a regular file or a block device. A new or truncated regular file is sparse:
 * unwritten ranges are holes and read as zeros, so copies skip them.
 */
public final class FileSink implements DiskSink {
    private static final int ZERO_CHUNK = 1 << 20;
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
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            // Grow to size without writing: truncate cannot grow, a one-byte write at the end
            // would allocate a block, so extend with the last byte only when needed.
            if (size > 0) {
                ch.write(ByteBuffer.allocate(1), size - 1);
                ch.truncate(size);
            }
            return new FileSink(path, ch, size, true);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
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
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(ZERO_CHUNK, Math.max(length, 1)));
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), end - pos));
            write(zeros, pos);
            pos += zeros.limit();
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
