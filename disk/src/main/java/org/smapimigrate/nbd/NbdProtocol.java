package org.smapimigrate.nbd;

/**
 * Numbers of the NBD protocol (NetworkBlockDevice/nbd doc/proto.md; docs/nbd-protocol.md in this
 * project), with the names the specification gives them so that error messages quote the spec.
 */
public final class NbdProtocol {
    private NbdProtocol() {
    }

    // Handshake (proto.md "Fixed newstyle negotiation").
    public static final long NBDMAGIC = 0x4e42444d41474943L;
    public static final long IHAVEOPT = 0x49484156454F5054L;
    /** The oldstyle greeting's second magic, still served by blktap's nbd-old* sockets. */
    public static final long OLDSTYLE_MAGIC = 0x00420281861253L;
    public static final long OPTION_REPLY_MAGIC = 0x0003e889045565a9L;

    public static final int FLAG_FIXED_NEWSTYLE = 1;
    public static final int FLAG_NO_ZEROES = 2;
    public static final int CLIENT_FLAG_FIXED_NEWSTYLE = 1;
    public static final int CLIENT_FLAG_NO_ZEROES = 2;

    // Options.
    public static final int OPT_EXPORT_NAME = 1;
    public static final int OPT_ABORT = 2;
    public static final int OPT_LIST = 3;
    public static final int OPT_STARTTLS = 5;
    public static final int OPT_INFO = 6;
    public static final int OPT_GO = 7;
    public static final int OPT_STRUCTURED_REPLY = 8;
    public static final int OPT_LIST_META_CONTEXT = 9;
    public static final int OPT_SET_META_CONTEXT = 10;
    public static final int OPT_EXTENDED_HEADERS = 11;

    // Option reply types; errors have bit 31 set.
    public static final int REP_ACK = 1;
    public static final int REP_SERVER = 2;
    public static final int REP_INFO = 3;
    public static final int REP_META_CONTEXT = 4;
    public static final int REP_FLAG_ERROR = 0x80000000;
    public static final int REP_ERR_UNSUP = 0x80000001;
    public static final int REP_ERR_POLICY = 0x80000002;
    public static final int REP_ERR_INVALID = 0x80000003;
    public static final int REP_ERR_PLATFORM = 0x80000004;
    public static final int REP_ERR_TLS_REQD = 0x80000005;
    public static final int REP_ERR_UNKNOWN = 0x80000006;
    public static final int REP_ERR_SHUTDOWN = 0x80000007;
    public static final int REP_ERR_BLOCK_SIZE_REQD = 0x80000008;
    public static final int REP_ERR_TOO_BIG = 0x80000009;
    public static final int REP_ERR_EXT_HEADER_REQD = 0x8000000A;

    // Information types of NBD_OPT_INFO / NBD_OPT_GO.
    public static final int INFO_EXPORT = 0;
    public static final int INFO_NAME = 1;
    public static final int INFO_DESCRIPTION = 2;
    public static final int INFO_BLOCK_SIZE = 3;

    // Transmission flags (u16).
    public static final int TFLAG_HAS_FLAGS = 0x0001;
    public static final int TFLAG_READ_ONLY = 0x0002;
    public static final int TFLAG_SEND_FLUSH = 0x0004;
    public static final int TFLAG_SEND_FUA = 0x0008;
    public static final int TFLAG_ROTATIONAL = 0x0010;
    public static final int TFLAG_SEND_TRIM = 0x0020;
    public static final int TFLAG_SEND_WRITE_ZEROES = 0x0040;
    public static final int TFLAG_SEND_DF = 0x0080;
    public static final int TFLAG_CAN_MULTI_CONN = 0x0100;
    public static final int TFLAG_SEND_RESIZE = 0x0200;
    public static final int TFLAG_SEND_CACHE = 0x0400;
    public static final int TFLAG_SEND_FAST_ZERO = 0x0800;
    public static final int TFLAG_BLOCK_STATUS_PAYLOAD = 0x1000;

    // Transmission phase.
    public static final int REQUEST_MAGIC = 0x25609513;
    public static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    public static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;
    public static final int REQUEST_HEADER_SIZE = 28;
    public static final int SIMPLE_REPLY_HEADER_SIZE = 16;
    public static final int STRUCTURED_REPLY_HEADER_SIZE = 20;

    public static final int CMD_READ = 0;
    public static final int CMD_WRITE = 1;
    public static final int CMD_DISC = 2;
    public static final int CMD_FLUSH = 3;
    public static final int CMD_TRIM = 4;
    public static final int CMD_CACHE = 5;
    public static final int CMD_WRITE_ZEROES = 6;
    public static final int CMD_BLOCK_STATUS = 7;

    public static final int CMD_FLAG_FUA = 0x01;
    public static final int CMD_FLAG_NO_HOLE = 0x02;
    public static final int CMD_FLAG_DF = 0x04;
    public static final int CMD_FLAG_REQ_ONE = 0x08;
    public static final int CMD_FLAG_FAST_ZERO = 0x10;

    public static final int REPLY_FLAG_DONE = 1;
    public static final int CHUNK_NONE = 0;
    public static final int CHUNK_OFFSET_DATA = 1;
    public static final int CHUNK_OFFSET_HOLE = 2;
    public static final int CHUNK_BLOCK_STATUS = 5;
    public static final int CHUNK_ERROR = 0x8001;
    public static final int CHUNK_ERROR_OFFSET = 0x8002;
    public static final int CHUNK_FLAG_ERROR = 0x8000;

    /** The meta context that reports holes and zeros (proto.md "base:allocation metadata context"). */
    public static final String META_BASE_ALLOCATION = "base:allocation";
    public static final int STATE_HOLE = 1;
    public static final int STATE_ZERO = 2;

    // Errors of the transmission phase (Linux errno values, as on the wire).
    public static final int EPERM = 1;
    public static final int EIO = 5;
    public static final int ENOMEM = 12;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOVERFLOW = 75;
    public static final int ENOTSUP = 95;
    public static final int ESHUTDOWN = 108;

    /** Strings on the wire are at most 4096 bytes (proto.md "Conventions"). */
    public static final int MAX_STRING = 4096;

    public static String optionName(int option) {
        return switch (option) {
            case OPT_EXPORT_NAME -> "NBD_OPT_EXPORT_NAME";
            case OPT_ABORT -> "NBD_OPT_ABORT";
            case OPT_LIST -> "NBD_OPT_LIST";
            case OPT_STARTTLS -> "NBD_OPT_STARTTLS";
            case OPT_INFO -> "NBD_OPT_INFO";
            case OPT_GO -> "NBD_OPT_GO";
            case OPT_STRUCTURED_REPLY -> "NBD_OPT_STRUCTURED_REPLY";
            case OPT_LIST_META_CONTEXT -> "NBD_OPT_LIST_META_CONTEXT";
            case OPT_SET_META_CONTEXT -> "NBD_OPT_SET_META_CONTEXT";
            case OPT_EXTENDED_HEADERS -> "NBD_OPT_EXTENDED_HEADERS";
            default -> "NBD_OPT_" + option;
        };
    }

    public static String replyTypeName(int type) {
        return switch (type) {
            case REP_ACK -> "NBD_REP_ACK";
            case REP_SERVER -> "NBD_REP_SERVER";
            case REP_INFO -> "NBD_REP_INFO";
            case REP_META_CONTEXT -> "NBD_REP_META_CONTEXT";
            case REP_ERR_UNSUP -> "NBD_REP_ERR_UNSUP";
            case REP_ERR_POLICY -> "NBD_REP_ERR_POLICY";
            case REP_ERR_INVALID -> "NBD_REP_ERR_INVALID";
            case REP_ERR_PLATFORM -> "NBD_REP_ERR_PLATFORM";
            case REP_ERR_TLS_REQD -> "NBD_REP_ERR_TLS_REQD";
            case REP_ERR_UNKNOWN -> "NBD_REP_ERR_UNKNOWN";
            case REP_ERR_SHUTDOWN -> "NBD_REP_ERR_SHUTDOWN";
            case REP_ERR_BLOCK_SIZE_REQD -> "NBD_REP_ERR_BLOCK_SIZE_REQD";
            case REP_ERR_TOO_BIG -> "NBD_REP_ERR_TOO_BIG";
            case REP_ERR_EXT_HEADER_REQD -> "NBD_REP_ERR_EXT_HEADER_REQD";
            default -> (type & REP_FLAG_ERROR) != 0
                    ? String.format("NBD_REP_ERR_0x%08x", type)
                    : String.format("NBD_REP_0x%08x", type);
        };
    }

    public static String commandName(int command) {
        return switch (command) {
            case CMD_READ -> "NBD_CMD_READ";
            case CMD_WRITE -> "NBD_CMD_WRITE";
            case CMD_DISC -> "NBD_CMD_DISC";
            case CMD_FLUSH -> "NBD_CMD_FLUSH";
            case CMD_TRIM -> "NBD_CMD_TRIM";
            case CMD_CACHE -> "NBD_CMD_CACHE";
            case CMD_WRITE_ZEROES -> "NBD_CMD_WRITE_ZEROES";
            case CMD_BLOCK_STATUS -> "NBD_CMD_BLOCK_STATUS";
            default -> "NBD_CMD_" + command;
        };
    }

    /**
     * The name of a transmission error. proto.md: "clients SHOULD treat unknown values as EINVAL",
     * so an unknown number is named EINVAL with the raw value kept beside it.
     */
    public static String errnoName(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case EIO -> "EIO";
            case ENOMEM -> "ENOMEM";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case EOVERFLOW -> "EOVERFLOW";
            case ENOTSUP -> "ENOTSUP";
            case ESHUTDOWN -> "ESHUTDOWN";
            default -> "EINVAL";
        };
    }

    /** What an errno means to a person reading an error line. */
    public static String errnoMeaning(int errno) {
        return switch (errno) {
            case EPERM -> "operation not permitted";
            case EIO -> "input/output error";
            case ENOMEM -> "server out of memory (request too large?)";
            case EINVAL -> "invalid argument (out of range or misaligned request)";
            case ENOSPC -> "no space left on the export";
            case EOVERFLOW -> "value too large";
            case ENOTSUP -> "operation not supported";
            case ESHUTDOWN -> "server is shutting down";
            default -> "unknown error " + errno + ", read as EINVAL";
        };
    }

    /** Chunk type names for protocol-violation messages. */
    public static String chunkName(int type) {
        return switch (type) {
            case CHUNK_NONE -> "NBD_REPLY_TYPE_NONE";
            case CHUNK_OFFSET_DATA -> "NBD_REPLY_TYPE_OFFSET_DATA";
            case CHUNK_OFFSET_HOLE -> "NBD_REPLY_TYPE_OFFSET_HOLE";
            case CHUNK_BLOCK_STATUS -> "NBD_REPLY_TYPE_BLOCK_STATUS";
            case CHUNK_ERROR -> "NBD_REPLY_TYPE_ERROR";
            case CHUNK_ERROR_OFFSET -> "NBD_REPLY_TYPE_ERROR_OFFSET";
            default -> String.format("NBD_REPLY_TYPE_0x%04x", type);
        };
    }
}
