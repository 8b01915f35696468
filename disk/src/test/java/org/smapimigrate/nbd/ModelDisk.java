package org.smapimigrate.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.VirtualDisk;

/**
 * A test disk with a known map: runs of DATA (bytes a pure function of the offset), ZERO and
 * UNALLOCATED, written out as a plain file for the oracles to compare against. It counts the
 * bytes read, so tests can prove holes are never read.
 */
final class ModelDisk implements VirtualDisk {
    final long size;
    final List<Extent> map;
    final AtomicLong bytesRead = new AtomicLong();

    ModelDisk(long size, List<Extent> map) {
        this.size = size;
        this.map = map;
    }

    /** Random runs of 4 KiB to 3 MiB, 512-aligned (the last run ends at size). */
    static ModelDisk random(long size, long seed) {
        Random r = new Random(seed);
        List<Extent> map = new ArrayList<>();
        ExtentKind[] kinds = ExtentKind.values();
        for (long at = 0; at < size; ) {
            long len = Math.min(size - at, 512L * (8 + r.nextInt(6000)));
            ExtentKind kind = kinds[r.nextInt(kinds.length)];
            Extent last = map.isEmpty() ? null : map.get(map.size() - 1);
            if (last != null && last.kind() == kind) {
                map.set(map.size() - 1, new Extent(last.offset(), last.length() + len, kind));
            } else {
                map.add(new Extent(at, len, kind));
            }
            at += len;
        }
        return new ModelDisk(size, map);
    }

    static byte byteAt(long offset) {
        long x = offset * 0x9E3779B97F4A7C15L;
        return (byte) ((x >>> 56) | 1);
    }

    long allocatedBytes() {
        return map.stream().filter(e -> e.kind() == ExtentKind.DATA).mapToLong(Extent::length).sum();
    }

    /** The disk's bytes as a sparse file: what every reader must reproduce. */
    void writeTo(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (Extent e : map) {
                if (e.kind() != ExtentKind.DATA) {
                    continue;
                }
                for (long at = e.offset(); at < e.end(); ) {
                    int n = (int) Math.min(buf.capacity(), e.end() - at);
                    buf.clear();
                    for (int i = 0; i < n; i++) {
                        buf.put(byteAt(at + i));
                    }
                    buf.flip();
                    while (buf.hasRemaining()) {
                        ch.write(buf, at + buf.position());
                    }
                    at += n;
                }
            }
            ch.truncate(size);
            if (ch.size() < size) {
                ch.write(ByteBuffer.allocate(1), size - 1);
            }
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(ByteBuffer dst, long offset) {
        long end = offset + dst.remaining();
        if (offset < 0 || end > size) {
            throw new IllegalArgumentException("read past the end");
        }
        for (Extent e : map) {
            if (e.end() <= offset || e.offset() >= end) {
                continue;
            }
            long from = Math.max(offset, e.offset());
            long to = Math.min(end, e.end());
            if (e.kind() == ExtentKind.DATA) {
                bytesRead.addAndGet(to - from);
            }
            for (long p = from; p < to; p++) {
                dst.put(dst.position() + (int) (p - offset), e.kind() == ExtentKind.DATA ? byteAt(p) : 0);
            }
        }
        dst.position(dst.limit());
    }

    @Override
    public List<Extent> extents(long offset, long length) {
        List<Extent> out = new ArrayList<>();
        long end = offset + length;
        for (Extent e : map) {
            long from = Math.max(offset, e.offset());
            long to = Math.min(end, e.end());
            if (from < to) {
                out.add(new Extent(from, to - from, e.kind()));
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return "model disk";
    }

    @Override
    public void close() {
    }
}
