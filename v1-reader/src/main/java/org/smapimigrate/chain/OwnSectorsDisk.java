package org.smapimigrate.chain;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.vhd.VhdImage;

/**
 * The sectors one image holds itself, without its parents: what a copy writes on top of a volume
 * that already holds the parent's content (a target snapshot or clone of the parent) to make it
 * this image.
 *
 * <p>Extents are {@link org.smapimigrate.disk.ExtentKind#DATA} exactly where this image's BAT,
 * batmap and sector bitmaps say it holds the sector within its own size, and
 * {@link org.smapimigrate.disk.ExtentKind#UNALLOCATED} everywhere else (the parent decides there,
 * so a copy must leave those ranges alone). Sectors the image claims but whose block was cut short
 * by the end of the file read as zeros and are {@code ZERO}: they hide the parent, as blktap reads
 * them (doc part C, "Blocks"). Reads return this image's bytes and zeros where it holds nothing.
 * A raw image holds every sector: it is DATA throughout.
 *
 * <p>Thread-safe for reads. Closing closes the image (or raw container).
 */
public final class OwnSectorsDisk implements VirtualDisk {
    private final VhdChain alone;

    private OwnSectorsDisk(VhdChain alone) {
        this.alone = alone;
    }

    /**
     * The own sectors of an opened VHD. On success the disk owns {@code image}.
     *
     * @throws org.smapimigrate.disk.ImageDefectException {@code encrypted} when the image cannot be read offline
     */
    public static OwnSectorsDisk of(VhdImage image) throws IOException {
        return new OwnSectorsDisk(VhdChain.single(ChainLayer.vhd(image, image.name())));
    }

    /** A raw image: all of it. On success the disk owns {@code raw}. */
    public static OwnSectorsDisk ofRaw(VirtualDisk raw, String name) throws IOException {
        return new OwnSectorsDisk(VhdChain.single(ChainLayer.raw(raw, name, name)));
    }

    @Override
    public long size() {
        return alone.size();
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        alone.read(dst, offset);
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        return alone.extents(offset, length);
    }

    @Override
    public String describe() {
        return "own sectors of " + alone.describe();
    }

    @Override
    public void close() throws IOException {
        alone.close();
    }
}
