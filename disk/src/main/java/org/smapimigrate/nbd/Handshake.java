package org.smapimigrate.nbd;

import static org.smapimigrate.nbd.NbdProtocol.*;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The negotiation phase of NBD (proto.md "Handshake"), fixed newstyle, one option at a time, over
 * any {@link Transport}. It never touches a socket itself.
 *
 * <p>Order, following qemu and libnbd: STRUCTURED_REPLY, then SET_META_CONTEXT base:allocation on
 * the same export name, then GO asking for BLOCK_SIZE. Each is allowed to be refused:
 * <ul>
 * <li>no structured replies (nbdkit --no-sr, xapi-nbd) means simple replies and no block status;
 * <li>no meta context means no block status;
 * <li>GO answered ERR_UNSUP (xapi-nbd) falls back to EXPORT_NAME, reading the 124 zero bytes
 * unless NO_ZEROES was agreed. LIST is never needed (qemu 7.2 dies on xapi-nbd's LIST error).
 * </ul>
 */
public final class Handshake {
    /** Option replies are small (strings ≤ 4096 bytes); anything bigger is a broken server. */
    private static final int MAX_OPTION_REPLY = 64 * 1024;
    private static final int EXPORT_NAME_PADDING = 124;

    /** How a client turns its plain stream into TLS after NBD_OPT_STARTTLS is acknowledged. */
    public interface TlsUpgrade {
        Transport start(Transport plain) throws IOException;
    }

    private Transport transport;
    private final String target;
    private final TlsUpgrade tls;
    private final ByteBuffer scratch = ByteBuffer.allocate(8);

    private boolean fixedNewstyle;
    private boolean noZeroes;
    private boolean structuredReplies;
    private long baseAllocationId = -1;

    /**
     * @param transport a freshly connected stream: the server's greeting is the next thing on it
     * @param target    how messages name the export (normally {@link NbdUri#describe()})
     */
    public Handshake(Transport transport, String target) {
        this(transport, target, null);
    }

    /**
     * @param tls null for plain NBD; otherwise STARTTLS is sent first and its refusal ends the
     *            connection (docs/nbd-protocol.md §3: "with nbds, a STARTTLS error means ABORT")
     */
    public Handshake(Transport transport, String target, TlsUpgrade tls) {
        this.transport = transport;
        this.target = target;
        this.tls = tls;
    }

    /** The stream after negotiation: a TLS one when STARTTLS succeeded. */
    public Transport transport() {
        return transport;
    }

    /**
     * NBD_OPT_STARTTLS, before anything else (proto.md "TLS support"); every later option then
     * runs inside TLS.
     */
    private void startTls() throws IOException {
        if (!fixedNewstyle) {
            throw NbdException.local(target, NbdException.TLS_NOT_SUPPORTED,
                    "the server speaks plain (not fixed) newstyle NBD, which has no STARTTLS; TLS is impossible");
        }
        sendOption(OPT_STARTTLS, ByteBuffer.allocate(0));
        OptionReply reply = readReply(OPT_STARTTLS);
        if (reply.type() != REP_ACK) {
            if (reply.isError()) {
                abortQuietly();
                throw NbdException.fromServer(target, "the server refused TLS (NBD_OPT_STARTTLS); an nbds:// URI "
                        + "demands it", replyTypeName(reply.type()), reply.type(), reply.message());
            }
            throw unexpected(reply);
        }
        try {
            transport = tls.start(transport);
        } catch (NbdException e) {
            throw e;
        } catch (IOException e) {
            throw NbdException.local(target, NbdException.TLS_FAILED, "TLS handshake failed: " + e.getMessage()
                    + " (check that ca-cert.pem signed the server's certificate and that it names the host)", e);
        }
    }

    private void abortQuietly() {
        try {
            sendOption(OPT_ABORT, ByteBuffer.allocate(0));
        } catch (IOException ignored) {
            // the connection is being given up anyway
        }
    }

    /**
     * Negotiates {@code exportName} and enters the transmission phase.
     *
     * @throws NbdException with the server's error name and message when it refuses
     */
    public ExportInfo negotiate(String exportName) throws IOException {
        greet();
        if (tls != null) {
            startTls();
        }
        if (!fixedNewstyle) {
            // Plain newstyle: any option but EXPORT_NAME may make the server hang up.
            return exportName(exportName);
        }
        negotiateReplyFormat(exportName);
        ExportInfo info = informationRequest(OPT_GO, exportName);
        return info != null ? info : exportName(exportName);
    }

    /**
     * NBD_OPT_INFO: learns size, flags and block sizes without entering transmission, then
     * sends NBD_OPT_ABORT. The transport is finished afterwards; close it.
     */
    public ExportInfo queryInfo(String exportName) throws IOException {
        greet();
        if (tls != null) {
            startTls();
        }
        if (!fixedNewstyle) {
            throw NbdException.local(target, NbdException.UNSUPPORTED,
                    "the server speaks plain (not fixed) newstyle NBD, which has no NBD_OPT_INFO; "
                            + "connect to the export instead to learn its size");
        }
        negotiateReplyFormat(exportName);
        ExportInfo info = informationRequest(OPT_INFO, exportName);
        if (info == null) {
            throw NbdException.fromServer(target, "server does not support NBD_OPT_INFO (query export '"
                    + exportName + "'); connect to the export instead", replyTypeName(REP_ERR_UNSUP),
                    REP_ERR_UNSUP, "");
        }
        abort();
        return info;
    }

    private void greet() throws IOException {
        long magic = readU64("greeting");
        if (magic != NBDMAGIC) {
            throw NbdException.local(target, NbdException.NOT_NBD, String.format(
                    "not an NBD server: the greeting starts with 0x%016x, not NBDMAGIC", magic));
        }
        long second = readU64("greeting");
        if (second == OLDSTYLE_MAGIC) {
            throw NbdException.local(target, NbdException.NOT_NBD,
                    "the server speaks oldstyle NBD (as blktap's nbd-old* sockets do), which this client does "
                            + "not support; use the server's newstyle socket");
        }
        if (second != IHAVEOPT) {
            throw NbdException.local(target, NbdException.NOT_NBD,
                    String.format("not an NBD server: 0x%016x after NBDMAGIC, expected IHAVEOPT", second));
        }
        int serverFlags = readU16("handshake flags");
        fixedNewstyle = (serverFlags & FLAG_FIXED_NEWSTYLE) != 0;
        noZeroes = (serverFlags & FLAG_NO_ZEROES) != 0;
        // Servers close the connection on client flags they did not offer (proto.md "Client flags").
        int clientFlags = (fixedNewstyle ? CLIENT_FLAG_FIXED_NEWSTYLE : 0) | (noZeroes ? CLIENT_FLAG_NO_ZEROES : 0);
        write(ByteBuffer.allocate(4).putInt(0, clientFlags));
    }

    /** STRUCTURED_REPLY, then SET_META_CONTEXT base:allocation; both may be refused. */
    private void negotiateReplyFormat(String exportName) throws IOException {
        sendOption(OPT_STRUCTURED_REPLY, ByteBuffer.allocate(0));
        OptionReply reply = readReply(OPT_STRUCTURED_REPLY);
        if (reply.type() == REP_ACK) {
            structuredReplies = true;
        } else if (reply.isError()) {
            refuseTlsOnly(reply);
        } else {
            throw unexpected(reply);
        }
        if (!structuredReplies) {
            return; // qemu answers ERR_INVALID to SET_META_CONTEXT without structured replies
        }
        byte[] name = utf8(exportName);
        byte[] query = utf8(META_BASE_ALLOCATION);
        ByteBuffer data = ByteBuffer.allocate(4 + name.length + 4 + 4 + query.length);
        data.putInt(name.length).put(name).putInt(1).putInt(query.length).put(query).flip();
        sendOption(OPT_SET_META_CONTEXT, data);
        while (true) {
            reply = readReply(OPT_SET_META_CONTEXT);
            if (reply.type() == REP_ACK) {
                return;
            }
            if (reply.isError()) {
                refuseTlsOnly(reply);
                return;
            }
            if (reply.type() != REP_META_CONTEXT || reply.data().remaining() < 4) {
                throw unexpected(reply);
            }
            long id = reply.data().getInt() & 0xffffffffL;
            if (decode(reply.data()).equals(META_BASE_ALLOCATION)) {
                baseAllocationId = id;
            }
        }
    }

    /**
     * NBD_OPT_GO or NBD_OPT_INFO asking for NBD_INFO_BLOCK_SIZE.
     *
     * @return the export's information, or null when the server answered ERR_UNSUP
     */
    private ExportInfo informationRequest(int option, String exportName) throws IOException {
        byte[] name = utf8(exportName);
        ByteBuffer data = ByteBuffer.allocate(4 + name.length + 2 + 2);
        data.putInt(name.length).put(name).putShort((short) 1).putShort((short) INFO_BLOCK_SIZE).flip();
        sendOption(option, data);

        long size = -1;
        int flags = 0;
        BlockSizeConstraints blockSizes = BlockSizeConstraints.defaults();
        String description = "";
        while (true) {
            OptionReply reply = readReply(option);
            if (reply.type() == REP_ACK) {
                break;
            }
            if (reply.isError()) {
                if (reply.type() == REP_ERR_UNSUP) {
                    return null;
                }
                if (reply.type() == REP_ERR_TLS_REQD) {
                    throw tlsRequired(reply);
                }
                throw NbdException.fromServer(target, "server refused export '" + exportName + "'",
                        replyTypeName(reply.type()), reply.type(), reply.message());
            }
            if (reply.type() != REP_INFO || reply.data().remaining() < 2) {
                throw unexpected(reply);
            }
            ByteBuffer d = reply.data();
            int infoType = d.getShort() & 0xffff;
            switch (infoType) {
                case INFO_EXPORT -> {
                    requireLength(reply, "NBD_INFO_EXPORT", 12);
                    size = d.getLong();
                    flags = d.getShort() & 0xffff;
                    if (size < 0) {
                        throw violation("NBD_INFO_EXPORT gives a size past 2^63 bytes");
                    }
                }
                case INFO_BLOCK_SIZE -> {
                    requireLength(reply, "NBD_INFO_BLOCK_SIZE", 14);
                    blockSizes = checkedBlockSizes(d.getInt() & 0xffffffffL, d.getInt() & 0xffffffffL,
                            d.getInt() & 0xffffffffL);
                }
                case INFO_DESCRIPTION -> description = decode(d);
                default -> {
                    // INFO_NAME and types newer than this client: proto.md says skip them.
                }
            }
        }
        if (size < 0) {
            throw violation(optionName(option) + " was acknowledged without NBD_INFO_EXPORT");
        }
        return new ExportInfo(exportName, size, new TransmissionFlags(flags), blockSizes, structuredReplies,
                structuredReplies ? baseAllocationId : -1, description, optionName(option));
    }

    /** proto.md "Block size constraints": the minimum a power of 2 up to 64 KiB, the maximum not below it. */
    private BlockSizeConstraints checkedBlockSizes(long min, long preferred, long max) throws NbdException {
        if (min < 1 || min > 65536 || Long.bitCount(min) != 1) {
            throw violation("NBD_INFO_BLOCK_SIZE minimum " + min + " is not a power of 2 from 1 to 65536");
        }
        if (preferred < 1 || Long.bitCount(preferred) != 1 || preferred < min) {
            throw violation("NBD_INFO_BLOCK_SIZE preferred " + preferred + " is not a power of 2 ≥ the minimum " + min);
        }
        if (max < min) {
            throw violation("NBD_INFO_BLOCK_SIZE maximum " + max + " is below the minimum " + min);
        }
        return new BlockSizeConstraints((int) min, (int) preferred, max, true);
    }

    /** The old way in: no reply on failure (the server just hangs up), 124 zero bytes unless NO_ZEROES. */
    private ExportInfo exportName(String exportName) throws IOException {
        sendOption(OPT_EXPORT_NAME, ByteBuffer.wrap(utf8(exportName)));
        ByteBuffer head = ByteBuffer.allocate(10);
        try {
            transport.readFully(head);
        } catch (EOFException e) {
            throw NbdException.local(target, NbdException.CONNECTION_LOST,
                    "the server hung up after NBD_OPT_EXPORT_NAME '" + exportName + "': the export probably "
                            + "does not exist (this old option has no way to say why)", e);
        }
        head.flip();
        long size = head.getLong();
        int flags = head.getShort() & 0xffff;
        if (size < 0) {
            throw violation("NBD_OPT_EXPORT_NAME gives a size past 2^63 bytes");
        }
        if (!noZeroes) {
            transport.readFully(ByteBuffer.allocate(EXPORT_NAME_PADDING));
        }
        return new ExportInfo(exportName, size, new TransmissionFlags(flags), BlockSizeConstraints.defaults(),
                structuredReplies, structuredReplies ? baseAllocationId : -1, "", optionName(OPT_EXPORT_NAME));
    }

    private void abort() throws IOException {
        sendOption(OPT_ABORT, ByteBuffer.allocate(0));
        try {
            readReply(OPT_ABORT);
        } catch (IOException e) {
            // proto.md allows the server to close without acknowledging ABORT.
        }
    }

    private void sendOption(int option, ByteBuffer data) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(16);
        header.putLong(IHAVEOPT).putInt(option).putInt(data.remaining()).flip();
        try {
            transport.writeFully(header, data);
        } catch (IOException e) {
            throw NbdException.local(target, NbdException.CONNECTION_LOST,
                    "cannot send " + optionName(option) + ": " + e.getMessage(), e);
        }
    }

    private OptionReply readReply(int option) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(20);
        readFully(header, optionName(option));
        header.flip();
        long magic = header.getLong();
        int answered = header.getInt();
        int type = header.getInt();
        long length = header.getInt() & 0xffffffffL;
        if (magic != OPTION_REPLY_MAGIC) {
            throw violation(String.format("option reply magic 0x%016x, expected 0x%016x", magic, OPTION_REPLY_MAGIC));
        }
        if (answered != option) {
            throw violation("reply to " + optionName(answered) + " while waiting for " + optionName(option));
        }
        if (length > MAX_OPTION_REPLY) {
            throw violation(replyTypeName(type) + " to " + optionName(option) + " claims " + length + " bytes");
        }
        ByteBuffer data = ByteBuffer.allocate((int) length);
        readFully(data, optionName(option));
        return new OptionReply(option, type, data.flip());
    }

    /** An error to STRUCTURED_REPLY or SET_META_CONTEXT only costs a feature, unless TLS is demanded. */
    private void refuseTlsOnly(OptionReply reply) throws NbdException {
        if (reply.type() == REP_ERR_TLS_REQD) {
            throw tlsRequired(reply);
        }
    }

    private NbdException tlsRequired(OptionReply reply) {
        return NbdException.fromServer(target, "the server requires TLS (" + optionName(reply.option())
                + " refused): use an nbds:// (or nbds+unix://) URI with --tls-certs DIR holding ca-cert.pem",
                replyTypeName(reply.type()), reply.type(), reply.message());
    }

    private NbdException unexpected(OptionReply reply) {
        return violation("unexpected " + replyTypeName(reply.type()) + " (" + reply.data().remaining()
                + " bytes) in reply to " + optionName(reply.option()));
    }

    private void requireLength(OptionReply reply, String what, int length) throws NbdException {
        if (reply.data().limit() != length) {
            throw violation(what + " is " + reply.data().limit() + " bytes long, expected " + length);
        }
    }

    private NbdException violation(String detail) {
        return NbdException.local(target, NbdException.PROTOCOL_ERROR, "server broke the NBD protocol during the "
                + "handshake: " + detail);
    }

    private long readU64(String what) throws IOException {
        scratch.clear().limit(8);
        readFully(scratch, what);
        return scratch.getLong(0);
    }

    private int readU16(String what) throws IOException {
        scratch.clear().limit(2);
        readFully(scratch, what);
        return scratch.getShort(0) & 0xffff;
    }

    private void readFully(ByteBuffer dst, String during) throws IOException {
        try {
            transport.readFully(dst);
        } catch (EOFException e) {
            throw NbdException.local(target, NbdException.CONNECTION_LOST,
                    "the server closed the connection during " + during, e);
        }
    }

    private void write(ByteBuffer b) throws IOException {
        transport.writeFully(b);
    }

    private byte[] utf8(String s) throws NbdException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_STRING) {
            throw NbdException.local(target, NbdException.BAD_URI,
                    "export name is " + b.length + " bytes; NBD strings are at most " + MAX_STRING);
        }
        return b;
    }

    /** Server text is meant to be UTF-8; a bad byte must not hide the rest of a message. */
    static String decode(ByteBuffer b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(b).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e); // cannot happen with REPLACE
        }
    }

    /** One option reply: the option answered, the reply type, its data. */
    record OptionReply(int option, int type, ByteBuffer data) {
        boolean isError() {
            return (type & REP_FLAG_ERROR) != 0;
        }

        /** The optional human-readable text of an error reply. */
        String message() {
            return decode(data.duplicate());
        }
    }
}
