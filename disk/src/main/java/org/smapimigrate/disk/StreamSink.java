package org.smapimigrate.disk;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;

/**
 * A sink over a stream such as standard output: it only moves forward, so writes must arrive in
 * offset order (as {@link DiskCopy} issues them) and zero runs are written out as zero bytes.
 */
public final class StreamSink implements DiskSink {
    private final WritableByteChannel out;
    private final long size;
    private final String name;
    private long position;

    public StreamSink(OutputStream out, long size, String name) {
        this.out = Channels.newChannel(out);
        this.size = size;
        this.name = name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        seek(offset);
        position += src.remaining();
        while (src.hasRemaining()) {
            out.write(src);
        }
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        seek(offset);
        long left = length;
        while (left > 0) {
            ByteBuffer z = Zeros.of((int) Math.min(Zeros.SIZE, left));
            left -= z.remaining();
            while (z.hasRemaining()) {
                out.write(z);
            }
        }
        position += length;
    }

    /** Pads with zeros up to the end of the disk; call once the copy is done. */
    public void finish() throws IOException {
        if (position < size) {
            writeZeroes(position, size - position);
        }
    }

    private void seek(long offset) throws IOException {
        if (offset < position) {
            throw new IOException(name + ": stream target cannot go back from " + position + " to " + offset);
        }
        if (offset > position) {
            writeZeroes(position, offset - position);
        }
    }

    @Override
    public void flush() throws IOException {
        // Channels over streams write through; flushing the underlying stream is the caller's job.
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
