package org.smapimigrate.nbd;

import static org.smapimigrate.nbd.NbdProtocol.*;

import java.util.ArrayList;
import java.util.List;

/**
 * The u16 transmission flags an export advertises. proto.md: "a client must not use a command or
 * command flag unless its flag is set", so every optional command asks here first.
 */
public record TransmissionFlags(int bits) {

    public TransmissionFlags {
        bits &= 0xffff;
    }

    /** proto.md: the other bits mean nothing unless HAS_FLAGS is set. */
    private boolean has(int flag) {
        return (bits & TFLAG_HAS_FLAGS) != 0 && (bits & flag) != 0;
    }

    public boolean readOnly() {
        return has(TFLAG_READ_ONLY);
    }

    public boolean canFlush() {
        return has(TFLAG_SEND_FLUSH);
    }

    public boolean canFua() {
        return has(TFLAG_SEND_FUA);
    }

    public boolean canTrim() {
        return has(TFLAG_SEND_TRIM);
    }

    public boolean canWriteZeroes() {
        return has(TFLAG_SEND_WRITE_ZEROES);
    }

    public boolean canDf() {
        return has(TFLAG_SEND_DF);
    }

    public boolean canMultiConn() {
        return has(TFLAG_CAN_MULTI_CONN);
    }

    public boolean canCache() {
        return has(TFLAG_SEND_CACHE);
    }

    public boolean canFastZero() {
        return has(TFLAG_SEND_FAST_ZERO);
    }

    public boolean rotational() {
        return has(TFLAG_ROTATIONAL);
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        String[] all = {"HAS_FLAGS", "READ_ONLY", "SEND_FLUSH", "SEND_FUA", "ROTATIONAL", "SEND_TRIM",
            "SEND_WRITE_ZEROES", "SEND_DF", "CAN_MULTI_CONN", "SEND_RESIZE", "SEND_CACHE", "SEND_FAST_ZERO",
            "BLOCK_STATUS_PAYLOAD"};
        for (int i = 0; i < 16; i++) {
            if ((bits & (1 << i)) != 0) {
                names.add(i < all.length ? all[i] : "bit" + i);
            }
        }
        return String.format("0x%04x %s", bits, names);
    }
}
