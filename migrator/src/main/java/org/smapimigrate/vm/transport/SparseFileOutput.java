package org.smapimigrate.vm.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A raw stream written to a file with its all-zero 64 KiB runs left as holes, so that a raw export
 * (the only format XAPI offers above 2040 GiB) takes local space for its data only. Memory: one
 * 64 KiB buffer.
 */
final class SparseFileOutput extends OutputStream {
    private static final int CHUNK = 64 << 10;

    private final RandomAccessFile file;
    private final FileChannel channel;
    private final byte[] chunk = new byte[CHUNK];
    private int filled;
    private long position;

    SparseFileOutput(Path path) throws IOException {
        this.file = new RandomAccessFile(path.toFile(), "rw");
        file.setLength(0);
        this.channel = file.getChannel();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, CHUNK - filled);
            System.arraycopy(b, off, chunk, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == CHUNK) {
                flushChunk();
            }
        }
    }

    private void flushChunk() throws IOException {
        boolean zero = true;
        for (int i = 0; i < filled && zero; i++) {
            zero = chunk[i] == 0;
        }
        if (!zero) {
            ByteBuffer buf = ByteBuffer.wrap(chunk, 0, filled);
            long at = position;
            while (buf.hasRemaining()) {
                at += channel.write(buf, at);
            }
        }
        position += filled;
        filled = 0;
    }

    @Override
    public void close() throws IOException {
        try {
            flushChunk();
            file.setLength(position); // a trailing hole still counts in the length
        } finally {
            file.close();
        }
    }
}
