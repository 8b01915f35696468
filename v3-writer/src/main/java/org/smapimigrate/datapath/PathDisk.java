package org.smapimigrate.datapath;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.disk.VirtualDisk;

/**
 * Reads back the file or block device of an attached volume, read-only, as a disk of a given
 * size. Everything is reported as data: a hole is found by reading it (and cheaply recognised as
 * zeros by whoever hashes it).
 */
public final class PathDisk implements VirtualDisk {
    private final Path path;
    private final FileChannel channel;
    private final long size;

    private PathDisk(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    public static PathDisk open(Path path, long size) throws IOException {
        return new PathDisk(path, FileChannel.open(path, StandardOpenOption.READ), size);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        if (offset < 0 || offset + dst.remaining() > size) {
            throw new IllegalArgumentException(path + ": read of " + dst.remaining() + " bytes at " + offset
                    + " is outside the volume (size " + size + ")");
        }
        RawFileDisk.readFully(channel, dst, offset, path.toString());
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
