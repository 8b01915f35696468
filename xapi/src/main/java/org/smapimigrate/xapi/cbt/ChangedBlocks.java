package org.smapimigrate.xapi.cbt;

import java.util.Arrays;
import java.util.Base64;
import org.smapimigrate.xapi.XapiProtocolException;

/**
 * The answer of {@code VDI.list_changed_blocks(vdi_from, vdi_to)} decoded into byte ranges
 * (xapi-integration.md section 4, "CBT"): a base64 string of a bitmap whose bit {@code i} covers
 * bytes {@code [i*65536, (i+1)*65536)}, most significant bit first (block 0 is 0x80 of byte 0),
 * about {@code ceil(size/64 KiB)} bits padded to a byte.
 *
 * <p>The bitmap comes from the network, so it is checked against the size of {@code vdi_to}
 * before use: a bitmap too short to cover the disk would silently drop changes, and a bit set
 * past the end of the disk means the log is not this disk's; both are refused. Zero bytes past
 * the end are tolerated up to {@value #SLACK_BYTES} (a log rounded up), and the text is refused
 * before decoding when it is longer than that, so a hostile answer cannot make us allocate more
 * than the disk's own bitmap. Ranges are merged runs of changed blocks, the last one cut at the
 * disk size: memory grows with the number of runs, not with the disk.
 */
public final class ChangedBlocks {
    /** CBT's block: 64 KiB. */
    public static final int BLOCK_SIZE = 65536;
    /** Zero bytes tolerated after the bitmap the disk needs. */
    public static final int SLACK_BYTES = 4096;

    private final long size;
    private final long[] starts;
    private final long[] ends;
    private final long bytes;

    private ChangedBlocks(long size, long[] starts, long[] ends) {
        this.size = size;
        this.starts = starts;
        this.ends = ends;
        long b = 0;
        for (int i = 0; i < starts.length; i++) {
            b += ends[i] - starts[i];
        }
        this.bytes = b;
    }

    /**
     * Decodes {@code base64} for a disk of {@code size} bytes.
     *
     * @param what names the call for messages, e.g. {@code VDI.list_changed_blocks(<from uuid>, <to uuid>)}
     * @throws XapiProtocolException one line naming {@code what}, the byte or bit, and what is wrong
     */
    public static ChangedBlocks decode(String base64, long size, String what) throws XapiProtocolException {
        if (size <= 0) {
            throw new IllegalArgumentException("disk size must be positive: " + size);
        }
        if (base64 == null) {
            throw new XapiProtocolException(what + ": no bitmap (null) in the answer");
        }
        long blocks = (size + BLOCK_SIZE - 1) / BLOCK_SIZE;
        long need = (blocks + 7) / 8;
        long maxChars = 4 * ((need + SLACK_BYTES + 2) / 3);
        if (base64.length() > maxChars) {
            throw new XapiProtocolException(what + ": the bitmap is " + base64.length() + " base64 characters, more than "
                    + maxChars + " for a disk of " + size + " bytes (" + blocks + " blocks of 64 KiB): not this disk's"
                    + " changed-block log; check that both VDIs belong to the migrated disk");
        }
        byte[] map;
        try {
            map = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new XapiProtocolException(what + ": the bitmap is not valid base64 (" + e.getMessage()
                    + "); XAPI sends b64encode of the bitmap");
        }
        if (map.length < need) {
            throw new XapiProtocolException(what + ": the bitmap has " + map.length + " bytes (" + (map.length * 8L)
                    + " blocks) but the disk of " + size + " bytes has " + blocks + " blocks of 64 KiB; a short"
                    + " bitmap would lose changes: refused (was the disk resized during the migration?)");
        }
        // Bits past the last block: the padding of the last byte and any slack bytes must be clear.
        for (long bit = blocks; bit < (long) map.length * 8; bit++) {
            if ((map[(int) (bit >>> 3)] & (0x80 >>> (bit & 7))) != 0) {
                throw new XapiProtocolException(what + ": bit " + bit + " (byte " + (bit >>> 3) + ") is set, but the disk of "
                        + size + " bytes has only " + blocks + " blocks of 64 KiB: the log is not this disk's");
            }
        }
        long[] s = new long[16];
        long[] e = new long[16];
        int n = 0;
        for (long i = 0; i < blocks; i++) {
            int b = map[(int) (i >>> 3)] & 0xff;
            if (b == 0 && (i & 7) == 0) {
                i += 7; // a clear byte: skip its eight blocks at once
                continue;
            }
            if ((b & (0x80 >>> (i & 7))) == 0) {
                continue;
            }
            long from = i * BLOCK_SIZE;
            long to = Math.min(size, from + BLOCK_SIZE);
            if (n > 0 && e[n - 1] == from) {
                e[n - 1] = to;
            } else {
                if (n == s.length) {
                    s = Arrays.copyOf(s, n * 2);
                    e = Arrays.copyOf(e, n * 2);
                }
                s[n] = from;
                e[n] = to;
                n++;
            }
        }
        return new ChangedBlocks(size, Arrays.copyOf(s, n), Arrays.copyOf(e, n));
    }

    /** The disk size the bitmap was checked against. */
    public long size() {
        return size;
    }

    /** Number of runs of changed blocks. */
    public int count() {
        return starts.length;
    }

    /** Byte offset where run {@code i} starts (a multiple of 64 KiB). */
    public long start(int i) {
        return starts[i];
    }

    /** Byte offset where run {@code i} ends, exclusive (a multiple of 64 KiB, or the disk size). */
    public long end(int i) {
        return ends[i];
    }

    /** Total bytes in the runs. */
    public long bytes() {
        return bytes;
    }

    public boolean isEmpty() {
        return starts.length == 0;
    }

    /** True when the byte at {@code offset} lies in a changed block. */
    public boolean covers(long offset) {
        int i = Arrays.binarySearch(starts, offset);
        if (i >= 0) {
            return true;
        }
        i = -i - 2;
        return i >= 0 && offset < ends[i];
    }

    @Override
    public String toString() {
        return count() + " runs of changed 64 KiB blocks, " + bytes + " of " + size + " bytes";
    }
}
