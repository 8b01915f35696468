package org.smapimigrate.nbd;

/**
 * NBD_INFO_BLOCK_SIZE (proto.md "Block size constraints"), or the defaults when the server sent
 * none. Having asked for it in NBD_OPT_GO, the client is bound by it.
 *
 * @param minimum    every offset and length is a multiple of this (power of 2, 1 to 64 KiB)
 * @param preferred  the size the server handles best
 * @param maximum    the largest READ/WRITE payload, {@link #NO_MAXIMUM} for none
 * @param advertised false when these are the protocol's defaults, not the server's word
 */
public record BlockSizeConstraints(int minimum, int preferred, long maximum, boolean advertised) {
    /** 0xffffffff: "no maximum" on the wire. */
    public static final long NO_MAXIMUM = 0xffffffffL;
    /**
     * proto.md: without an advertisement, send READ/WRITE of at most 32 MiB; qemu-nbd drops the
     * connection on larger writes and nbdkit answers ENOMEM past 64 MiB. Also the cap when the
     * server allows more: larger requests buy nothing and hold more memory.
     */
    public static final int DEFAULT_MAX_PAYLOAD = 32 << 20;
    /** The alignment a client "desiring maximum interoperability" uses without an advertisement. */
    public static final int DEFAULT_ALIGNMENT = 512;

    /** The defaults (1 / 4096 / 32 MiB), not advertised. */
    public static BlockSizeConstraints defaults() {
        return new BlockSizeConstraints(1, 4096, DEFAULT_MAX_PAYLOAD, false);
    }

    /**
     * The alignment this client keeps for reads and block status: the advertised minimum, else
     * 512 when the export size allows it (xapi-nbd needs 512-aligned requests and advertises
     * nothing), else 1.
     */
    public int readAlignment(long exportSize) {
        if (advertised) {
            return minimum;
        }
        return exportSize % DEFAULT_ALIGNMENT == 0 ? DEFAULT_ALIGNMENT : 1;
    }

    /**
     * The alignment writes must keep: only an advertised minimum binds (a server without one
     * SHOULD accept 1-byte alignment), and a misaligned write is refused here rather than by
     * the server.
     */
    public int writeAlignment() {
        return advertised ? minimum : 1;
    }

    /** Largest payload of one READ or WRITE this client sends: ≤ the maximum, ≤ 32 MiB, a multiple of the minimum. */
    public int maxPayload() {
        long max = advertised && maximum != NO_MAXIMUM ? Math.min(maximum, DEFAULT_MAX_PAYLOAD) : DEFAULT_MAX_PAYLOAD;
        max -= max % minimum;
        return (int) Math.max(max, minimum);
    }
}
