package org.smapimigrate.inventory;

import java.io.Closeable;
import java.io.IOException;
import org.smapimigrate.disk.VirtualDisk;

/** A SMAPIv1 SR opened read-only: file SR directory or LVM physical volumes. */
public interface StorageRepository extends Closeable {

    /** Scans the SR. Damaged VDIs are reported as problems; the scan itself does not fail on them. */
    SrInventory inventory() throws IOException;

    /**
     * Opens a VDI (a leaf, base copy, hidden leaf or raw VDI) as its flattened virtual disk.
     * Fails with an {@link org.smapimigrate.disk.ImageDefectException} naming the defect when
     * its chain cannot be read exactly.
     */
    VirtualDisk openVdi(String uuid) throws IOException;

    /**
     * Opens one image (a leaf, base copy or raw VDI) alone, without its parents: the sectors it
     * holds itself as data, the rest unallocated ({@link org.smapimigrate.chain.OwnSectorsDisk}).
     * What a copy writes on top of a copy of the parent's content to make this image.
     */
    VirtualDisk openOwnSectors(String uuid) throws IOException;
}
