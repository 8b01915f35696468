package org.smapimigrate.xapi.standin;

import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Changed block tracking as xapi-integration.md section 4 "CBT" describes it, from the docs only.
 * A CBT chain starts at {@code VDI.enable_cbt} of a VDI whose tracking was off. It is a list of
 * links, oldest first: one per snapshot taken since, holding the 64 KiB blocks written between
 * the previous snapshot and that one, and last the live VDI's own log (blocks written since the
 * newest snapshot). {@code list_changed_blocks(from, to)} ORs the logs of every link after
 * {@code from} up to {@code to}, as SM does, and answers the bitmap MSB-first (block 0 is bit
 * 0x80 of byte 0), {@code ceil(size/64 KiB)} bits padded to a byte, base64. VDIs not in one chain
 * (another disk, or tracking disabled and enabled again between them) are "unrelated". Destroying
 * a link folds its log into the next one, so the changes it held are not lost to later lists.
 */
final class StandInCbt {
    static final int BLOCK = 65536;

    private static final class Link {
        final String vdi;
        final BitSet blocks;

        Link(String vdi, BitSet blocks) {
            this.vdi = vdi;
            this.blocks = blocks;
        }
    }

    private static final class Chain {
        final List<Link> links = new ArrayList<>();

        int indexOf(String vdi) {
            for (int i = 0; i < links.size(); i++) {
                if (links.get(i).vdi.equals(vdi)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private final Map<String, Chain> chainOf = new HashMap<>();

    boolean tracking(String vdi) {
        return chainOf.containsKey(vdi);
    }

    /** enable_cbt of a VDI that did not track: a new chain (idempotent when it already tracks). */
    void enable(String vdi) {
        if (!chainOf.containsKey(vdi)) {
            Chain c = new Chain();
            c.links.add(new Link(vdi, new BitSet()));
            chainOf.put(vdi, c);
        }
    }

    /** disable_cbt: the VDI leaves its chain (the snapshots keep their logs, but nothing after them follows). */
    void disable(String vdi) {
        Chain c = chainOf.remove(vdi);
        if (c != null) {
            int i = c.indexOf(vdi);
            c.links.remove(i);
        }
    }

    /** A write of {@code [offset, offset + length)} into a tracked VDI marks its blocks in the live log. */
    void written(String vdi, long offset, long length) {
        Chain c = chainOf.get(vdi);
        if (c == null || length <= 0) {
            return;
        }
        Link live = c.links.get(c.indexOf(vdi));
        live.blocks.set((int) (offset / BLOCK), (int) ((offset + length - 1) / BLOCK) + 1);
    }

    /** VDI.snapshot of a tracked VDI: the snapshot takes the live log so far, the VDI starts a new one. */
    void snapshot(String vdi, String snapshot) {
        Chain c = chainOf.get(vdi);
        if (c == null) {
            return;
        }
        int i = c.indexOf(vdi);
        Link live = c.links.get(i);
        c.links.set(i, new Link(vdi, new BitSet()));
        c.links.add(i, new Link(snapshot, live.blocks));
        chainOf.put(snapshot, c);
    }

    /** VDI.destroy: the link goes; its log is ORed into the next link's. */
    void destroyed(String vdi) {
        Chain c = chainOf.remove(vdi);
        if (c == null) {
            return;
        }
        int i = c.indexOf(vdi);
        Link gone = c.links.remove(i);
        if (i < c.links.size()) {
            c.links.get(i).blocks.or(gone.blocks);
        }
    }

    /** The OR of the logs after {@code from} up to {@code to}; null when they are not in one chain in that order. */
    BitSet changed(String from, String to) {
        Chain c = chainOf.get(from);
        if (c == null || chainOf.get(to) != c) {
            return null;
        }
        int a = c.indexOf(from);
        int b = c.indexOf(to);
        if (a >= b) {
            return null;
        }
        BitSet out = new BitSet();
        for (int i = a + 1; i <= b; i++) {
            out.or(c.links.get(i).blocks);
        }
        return out;
    }

    /** The bitmap as list_changed_blocks answers it for a VDI of {@code size} bytes. */
    static String encode(BitSet blocks, long size) {
        long n = (size + BLOCK - 1) / BLOCK;
        byte[] out = new byte[(int) ((n + 7) / 8)];
        for (int i = blocks.nextSetBit(0); i >= 0 && i < n; i = blocks.nextSetBit(i + 1)) {
            out[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        return Base64.getEncoder().encodeToString(out);
    }
}
