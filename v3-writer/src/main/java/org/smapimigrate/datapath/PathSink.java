package org.smapimigrate.datapath;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.smapimigrate.disk.DiskSink;

/**
 * Writes into the file or block device a datapath returned ({@code File} or {@code BlockDevice}),
 * with positional writes and a size known from outside (a block device's fstat size is 0).
 * Never truncates or extends: the volume plugin owns the size.
 */
public final class PathSink implements DiskSink {
    private static final int ZERO_CHUNK = 1 << 20;
    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final boolean readsAsZero;

    private PathSink(Path path, FileChannel channel, long size, boolean readsAsZero) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.readsAsZero = readsAsZero;
    }

    /**
     * @param size        the target's size in bytes
     * @param readsAsZero true when the target is known to read as zeros wherever it is not written
     *                    (a volume just created as a sparse file): the copy then skips zero runs
     */
    public static PathSink open(Path path, long size, boolean readsAsZero) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
        return new PathSink(path, ch, size, readsAsZero);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        if (offset < 0 || offset + src.remaining() > size) {
            throw new IOException(path + ": write of " + src.remaining() + " bytes at " + offset
                    + " is past the end of the volume (" + size + " bytes)");
        }
        long pos = offset;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(ZERO_CHUNK, Math.max(length, 1)));
        for (long pos = offset, end = offset + length; pos < end; ) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), end - pos));
            write(zeros, pos);
            pos += zeros.limit();
        }
    }

    @Override
    public boolean unwrittenReadsAsZero() {
        return readsAsZero;
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
