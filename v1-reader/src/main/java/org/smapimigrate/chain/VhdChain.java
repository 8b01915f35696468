package org.smapimigrate.chain;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.smapimigrate.disk.Closing;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.vhd.Finding;
import org.smapimigrate.vhd.VhdImage;

/**
 * A VHD and its ancestors read as one disk: the leaf's virtual size, the bytes blktap would
 * return ({@link ChainWalk}), and extents that tell stored runs from holes. Reads merge
 * consecutive sectors of one image into a single positional read straight into the caller's
 * buffer. Thread-safe for reads. Closing closes every layer.
 */
public final class VhdChain implements VirtualDisk {
    /** SM refuses to snapshot a VDI whose chain is this deep ({@code MAX_CHAIN_SIZE}). */
    public static final int SM_MAX_CHAIN_SIZE = 30;
    /** Beyond this many layers a chain is refused: nothing real is that deep. */
    public static final int MAX_LAYERS = 256;

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 16).asReadOnlyBuffer();

    private final List<ChainLayer> layers;
    private final List<Finding> findings;
    private final ChainWalk walk;

    private VhdChain(List<ChainLayer> layers, List<Finding> findings) {
        this.layers = Collections.unmodifiableList(layers);
        this.findings = Collections.unmodifiableList(findings);
        this.walk = new ChainWalk(this.layers);
    }

    /**
     * Opens the chain above an already opened leaf. On success the chain owns {@code leaf} and
     * every parent; on failure the parents opened so far are closed and the caller keeps the leaf.
     *
     * @param leafKey  the leaf's key for cycle detection (see {@link ParentContainer#key()})
     * @throws ImageDefectException {@code missing-parent}, {@code locator-escape} (from the
     *         resolver), {@code parent-uuid-mismatch}, {@code parent-cycle}, {@code encrypted},
     *         {@code chain-too-deep}, or any defect of a parent image
     */
    public static VhdChain open(VhdImage leaf, String leafKey, ParentResolver resolver) throws IOException {
        List<ChainLayer> layers = new ArrayList<>();
        layers.add(ChainLayer.vhd(leaf, leafKey));
        try {
            Set<String> keys = new HashSet<>();
            keys.add(leafKey);
            Set<UUID> uuids = new HashSet<>();
            uuids.add(leaf.uuid());
            VhdImage cur = leaf;
            String curKey = leafKey;
            while (true) {
                refuseEncrypted(cur);
                if (!cur.isDifferencing()) {
                    break;
                }
                if (layers.size() >= MAX_LAYERS) {
                    throw new ImageDefectException("chain-too-deep", leaf.name(), -1, "the chain has more than "
                            + MAX_LAYERS + " images; refusing to follow it further");
                }
                ParentContainer pc = resolver.openParent(cur, curKey);
                if (!keys.add(pc.key())) {
                    pc.container().close();
                    throw new ImageDefectException("parent-cycle", cur.name(), -1, "the parent chain loops: "
                            + cur.name() + " names " + pc.name() + ", which is already in the chain");
                }
                if (cur.parentIsRaw()) {
                    layers.add(ChainLayer.raw(pc.container(), pc.name(), pc.key()));
                    break;
                }
                VhdImage parent;
                try {
                    parent = VhdImage.open(pc.container(), pc.name());
                } catch (IOException | RuntimeException e) {
                    pc.container().close();
                    throw e;
                }
                if (!parent.uuid().equals(cur.parentUuid())) {
                    parent.close();
                    throw new ImageDefectException("parent-uuid-mismatch", cur.name(), -1, "the parent found, "
                            + pc.name() + ", has footer uuid " + parent.uuid() + " but the child expects "
                            + cur.parentUuid() + " (prt_uuid): a different image replaced the parent");
                }
                if (!uuids.add(parent.uuid())) {
                    // Same footer uuid twice: blktap's identity for an image, e.g. a hard-link twin.
                    parent.close();
                    throw new ImageDefectException("parent-cycle", cur.name(), -1, "the parent chain loops: "
                            + pc.name() + " has footer uuid " + parent.uuid() + ", already in the chain");
                }
                layers.add(ChainLayer.vhd(parent, pc.key()));
                cur = parent;
                curKey = pc.key();
            }
        } catch (IOException | RuntimeException e) {
            for (int i = layers.size() - 1; i > 0; i--) {
                try {
                    layers.get(i).close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        List<Finding> findings = new ArrayList<>();
        for (ChainLayer l : layers) {
            if (l.image() != null) {
                findings.addAll(l.image().findings());
            }
        }
        if (layers.size() > SM_MAX_CHAIN_SIZE) {
            findings.add(new Finding("chain-too-long", leaf.name(), -1, "the chain is " + layers.size()
                    + " images deep; SM refuses snapshots from depth " + SM_MAX_CHAIN_SIZE
                    + " (SR_BACKEND_FAILURE_109) and GC has not coalesced it. Readable; copy it flattened"));
        }
        return new VhdChain(layers, findings);
    }

    /**
     * One layer read alone, as if it had no parent: what it does not hold reads as zeros and is
     * reported {@link ExtentKind#UNALLOCATED} (see {@link OwnSectorsDisk}). Owns the layer.
     */
    static VhdChain single(ChainLayer layer) throws IOException {
        if (layer.image() != null) {
            refuseEncrypted(layer.image());
        }
        return new VhdChain(new ArrayList<>(List.of(layer)),
                layer.image() == null ? new ArrayList<>() : new ArrayList<>(layer.image().findings()));
    }

    private static void refuseEncrypted(VhdImage image) throws ImageDefectException {
        if (image.encrypted()) {
            throw new ImageDefectException("encrypted", image.name(), -1, "the VHD is encrypted (batmap keyhash"
                    + " set; sm-config key_hash); its key stays on the host (/var/xen/blktap/keys), so it"
                    + " cannot be read offline");
        }
    }

    /** The layers from the leaf to the root. */
    public List<ChainLayer> layers() {
        return layers;
    }

    public VhdImage leaf() {
        return layers.get(0).image();
    }

    /** Images from the leaf to the root, the leaf included; a raw root counts (vhd-util query -d). */
    public int depth() {
        return layers.size();
    }

    /** Non-fatal findings of every layer, then of the chain ({@code chain-too-long}). */
    public List<Finding> findings() {
        return findings;
    }

    @Override
    public long size() {
        return layers.get(0).size();
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        int length = dst.remaining();
        if (offset < 0 || offset > size() - length) {
            throw new IllegalArgumentException(describe() + ": read of " + length + " bytes at " + offset
                    + " is outside the disk (size " + size() + ")");
        }
        BufferFill fill = new BufferFill(dst, offset);
        walk.walk(offset, offset + length, fill);
        fill.flush();
        dst.position(dst.limit());
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset > size() - length) {
            throw new IllegalArgumentException("extent range outside " + describe());
        }
        ExtentList list = new ExtentList();
        walk.walk(offset, offset + length, list);
        return list.extents;
    }

    @Override
    public String describe() {
        return layers.get(0).name();
    }

    @Override
    public void close() throws IOException {
        // Closing a layer is the chain's business alone, so layers are not Closeable themselves.
        Closing.closeAll(layers.stream().map(l -> (java.io.Closeable) l::close).toList());
    }

    /** Copies runs into the caller's buffer, merging runs contiguous in one container. */
    private static final class BufferFill implements ChainWalk.Runs {
        private final ByteBuffer dst;
        private final int base;
        private final long diskBase;
        private ChainLayer pendingLayer;
        private long pendingDisk;
        private long pendingLength;
        private long pendingContainer;

        BufferFill(ByteBuffer dst, long diskBase) {
            this.dst = dst.duplicate();
            this.base = dst.position();
            this.diskBase = diskBase;
        }

        @Override
        public void data(long diskOffset, long length, ChainLayer layer, long containerOffset) throws IOException {
            if (pendingLayer == layer && pendingDisk + pendingLength == diskOffset
                    && pendingContainer + pendingLength == containerOffset) {
                pendingLength += length;
                return;
            }
            flush();
            pendingLayer = layer;
            pendingDisk = diskOffset;
            pendingLength = length;
            pendingContainer = containerOffset;
        }

        @Override
        public void zero(long diskOffset, long length, boolean recorded) throws IOException {
            flush();
            int at = base + (int) (diskOffset - diskBase);
            int end = at + (int) length;
            while (at < end) {
                ByteBuffer z = ZEROS.duplicate();
                z.limit(Math.min(z.capacity(), end - at));
                dst.limit(at + z.remaining()).position(at);
                dst.put(z);
                at = dst.position();
            }
        }

        void flush() throws IOException {
            if (pendingLayer == null) {
                return;
            }
            int at = base + (int) (pendingDisk - diskBase);
            dst.limit(at + (int) pendingLength).position(at);
            pendingLayer.container().read(dst, pendingContainer);
            pendingLayer = null;
        }
    }

    /** Turns runs into merged extents. */
    private static final class ExtentList implements ChainWalk.Runs {
        final List<Extent> extents = new ArrayList<>();

        @Override
        public void data(long diskOffset, long length, ChainLayer layer, long containerOffset) {
            add(diskOffset, length, ExtentKind.DATA);
        }

        @Override
        public void zero(long diskOffset, long length, boolean recorded) {
            add(diskOffset, length, recorded ? ExtentKind.ZERO : ExtentKind.UNALLOCATED);
        }

        private void add(long offset, long length, ExtentKind kind) {
            if (length <= 0) {
                return;
            }
            int last = extents.size() - 1;
            if (last >= 0 && extents.get(last).kind() == kind && extents.get(last).end() == offset) {
                Extent prev = extents.remove(last);
                extents.add(new Extent(prev.offset(), prev.length() + length, kind));
            } else {
                extents.add(new Extent(offset, length, kind));
            }
        }
    }
}
