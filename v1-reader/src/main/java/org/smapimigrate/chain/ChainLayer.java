package org.smapimigrate.chain;

import java.io.IOException;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.vhd.VhdImage;

/**
 * One image of a chain: a VHD, or the raw image at the root of a chain whose last VHD has an
 * all-zero {@code prt_uuid}.
 */
public final class ChainLayer {
    private final VhdImage image;
    private final VirtualDisk raw;
    private final String name;
    private final String key;

    private ChainLayer(VhdImage image, VirtualDisk raw, String name, String key) {
        this.image = image;
        this.raw = raw;
        this.name = name;
        this.key = key;
    }

    static ChainLayer vhd(VhdImage image, String key) {
        return new ChainLayer(image, null, image.name(), key);
    }

    static ChainLayer raw(VirtualDisk disk, String name, String key) {
        return new ChainLayer(null, disk, name, key);
    }

    /** The VHD, or null for a raw layer. */
    public VhdImage image() {
        return image;
    }

    public boolean isRaw() {
        return raw != null;
    }

    /** Where the layer's bytes are read from. */
    public VirtualDisk container() {
        return raw != null ? raw : image.container();
    }

    public String name() {
        return name;
    }

    public String key() {
        return key;
    }

    /** The layer's own size: sectors at or past it read as zeros and stop the walk up the chain. */
    public long size() {
        return raw != null ? raw.size() : image.virtualSize();
    }

    void close() throws IOException {
        if (raw != null) {
            raw.close();
        } else {
            image.close();
        }
    }
}
