package org.smapimigrate.nbd.server;

import static org.smapimigrate.nbd.NbdProtocol.*;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.nbd.Transport;

/**
 * The server's side of fixed newstyle negotiation (proto.md "Fixed newstyle negotiation";
 * docs/nbd-protocol.md §1, §3, §5 rule 3). One option at a time; each answered with the
 * protocol's reply or error, never trusting a length before checking it.
 *
 * <p>Options: EXPORT_NAME, ABORT, LIST, STARTTLS, INFO, GO (with NBD_INFO_EXPORT, NAME,
 * DESCRIPTION, BLOCK_SIZE), STRUCTURED_REPLY, LIST_META_CONTEXT and SET_META_CONTEXT
 * (base:allocation only). Anything else is drained and answered ERR_UNSUP.
 */
final class ServerNegotiation {
    /**
     * The largest option payload read: an export name and a few queries fit many times over
     * (strings are ≤ 4096 bytes). Larger options are refused with ERR_TOO_BIG and the connection
     * dropped, rather than drained: a hostile length of 4 GiB would keep the server reading.
     */
    static final int MAX_OPTION_DATA = 64 * 1024;
    /** The meta context id for base:allocation (the server chooses; nbdkit also uses 1). */
    static final int BASE_ALLOCATION_ID = 1;
    private static final int EXPORT_NAME_PADDING = 124;

    /** How the server side upgrades its stream when a client asks for STARTTLS. */
    interface TlsUpgrade {
        Transport start(Transport plain) throws IOException;
    }

    private final ServerSettings settings;
    private final TlsUpgrade tlsUpgrade;
    private Transport transport;

    private boolean noZeroes;
    private boolean tlsActive;
    private boolean structuredReplies;
    /** The export SET_META_CONTEXT selected base:allocation for, or null. */
    private String metaExport;

    /**
     * @param tlsUpgrade null when TLS is not configured (STARTTLS then gets ERR_POLICY)
     */
    ServerNegotiation(Transport transport, ServerSettings settings, TlsUpgrade tlsUpgrade) {
        this.transport = transport;
        this.settings = settings;
        this.tlsUpgrade = tlsUpgrade;
    }

    boolean tlsActive() {
        return tlsActive;
    }

    /** The current stream; differs from the one given after STARTTLS. */
    Transport transport() {
        return transport;
    }

    /**
     * Greets the client and answers options until one enters transmission.
     *
     * @return the session, or null when the client sent NBD_OPT_ABORT
     */
    Session negotiate() throws IOException {
        ByteBuffer greeting = ByteBuffer.allocate(18);
        greeting.putLong(NBDMAGIC).putLong(IHAVEOPT).putShort((short) (FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES)).flip();
        transport.writeFully(greeting);
        ByteBuffer clientFlags = ByteBuffer.allocate(4);
        transport.readFully(clientFlags);
        int flags = clientFlags.getInt(0);
        if ((flags & ~(CLIENT_FLAG_FIXED_NEWSTYLE | CLIENT_FLAG_NO_ZEROES)) != 0) {
            // proto.md "Client flags": the server MUST close on flags it does not know.
            throw new ProtocolViolation(String.format("unknown client flags 0x%08x", flags));
        }
        noZeroes = (flags & CLIENT_FLAG_NO_ZEROES) != 0;
        ByteBuffer header = ByteBuffer.allocate(16);
        while (true) {
            header.clear();
            transport.readFully(header);
            header.flip();
            long magic = header.getLong();
            int option = header.getInt();
            long length = header.getInt() & 0xffffffffL;
            if (magic != IHAVEOPT) {
                throw new ProtocolViolation(String.format("option magic 0x%016x, expected IHAVEOPT", magic));
            }
            if (length > MAX_OPTION_DATA) {
                reply(option, REP_ERR_TOO_BIG, message(optionName(option) + " of " + length + " bytes is too large"));
                throw new ProtocolViolation(optionName(option) + " of " + length + " bytes (limit "
                        + MAX_OPTION_DATA + ")");
            }
            ByteBuffer data = ByteBuffer.allocate((int) length);
            transport.readFully(data);
            data.flip();
            Session session = answer(option, data);
            if (session != null) {
                return session;
            }
            if (option == OPT_ABORT) {
                return null;
            }
        }
    }

    /** One option; returns a session when transmission starts. */
    private Session answer(int option, ByteBuffer data) throws IOException {
        if (settings.tls() != null && !tlsActive && option != OPT_STARTTLS && option != OPT_ABORT) {
            if (option == OPT_EXPORT_NAME) {
                // proto.md: FORCEDTLS servers disconnect on EXPORT_NAME before TLS (no way to say why).
                throw new ProtocolViolation("NBD_OPT_EXPORT_NAME before STARTTLS on a TLS-only server");
            }
            reply(option, REP_ERR_TLS_REQD, message("Option 0x" + Integer.toHexString(option)
                    + " not permitted before TLS (this server requires STARTTLS)"));
            return null;
        }
        switch (option) {
            case OPT_EXPORT_NAME -> {
                return exportName(data);
            }
            case OPT_ABORT -> {
                try {
                    reply(option, REP_ACK, null);
                } catch (IOException e) {
                    // proto.md: the client may close without reading the ACK.
                }
                return null;
            }
            case OPT_LIST -> list(data);
            case OPT_STARTTLS -> startTls(data);
            case OPT_INFO, OPT_GO -> {
                return information(option, data);
            }
            case OPT_STRUCTURED_REPLY -> {
                if (data.hasRemaining()) {
                    reply(option, REP_ERR_INVALID, message("NBD_OPT_STRUCTURED_REPLY carries no data"));
                } else {
                    structuredReplies = true;
                    reply(option, REP_ACK, null);
                }
            }
            case OPT_LIST_META_CONTEXT, OPT_SET_META_CONTEXT -> metaContext(option, data);
            default -> reply(option, REP_ERR_UNSUP, message(optionName(option) + " is not supported by this server"));
        }
        return null;
    }

    private Session exportName(ByteBuffer data) throws IOException {
        String name = decodeOrNull(data);
        NbdExport export = name == null ? null : settings.find(name);
        if (export == null) {
            // proto.md: on an unknown name the server can only disconnect.
            throw new ProtocolViolation("NBD_OPT_EXPORT_NAME of an unknown export '" + (name == null ? "(not UTF-8)" : name) + "'");
        }
        int flags = transmissionFlags();
        ByteBuffer reply = ByteBuffer.allocate(10 + (noZeroes ? 0 : EXPORT_NAME_PADDING));
        reply.putLong(export.disk().size()).putShort((short) flags).position(reply.limit()).flip();
        transport.writeFully(reply);
        return session(export, flags);
    }

    private void list(ByteBuffer data) throws IOException {
        if (data.hasRemaining()) {
            reply(OPT_LIST, REP_ERR_INVALID, message("NBD_OPT_LIST carries no data"));
            return;
        }
        for (NbdExport e : settings.exports()) {
            byte[] name = utf8(e.name());
            byte[] description = utf8(e.description());
            ByteBuffer b = ByteBuffer.allocate(4 + name.length + description.length);
            b.putInt(name.length).put(name).put(description).flip();
            reply(OPT_LIST, REP_SERVER, b);
        }
        reply(OPT_LIST, REP_ACK, null);
    }

    private void startTls(ByteBuffer data) throws IOException {
        if (tlsUpgrade == null) {
            reply(OPT_STARTTLS, REP_ERR_POLICY, message("TLS not configured on this server"));
        } else if (tlsActive) {
            reply(OPT_STARTTLS, REP_ERR_INVALID, message("TLS already enabled"));
        } else if (data.hasRemaining()) {
            reply(OPT_STARTTLS, REP_ERR_INVALID, message("NBD_OPT_STARTTLS carries no data"));
        } else {
            reply(OPT_STARTTLS, REP_ACK, null);
            transport = tlsUpgrade.start(transport);
            tlsActive = true;
            // proto.md: after STARTTLS every earlier negotiated state is forgotten.
            structuredReplies = false;
            metaExport = null;
        }
    }

    /** NBD_OPT_INFO and NBD_OPT_GO: u32 name length, name, u16 n, n × u16 information type. */
    private Session information(int option, ByteBuffer data) throws IOException {
        if (data.remaining() < 6) {
            reply(option, REP_ERR_INVALID, message(optionName(option) + " of " + data.remaining() + " bytes is too short"));
            return null;
        }
        long nameLength = data.getInt() & 0xffffffffL;
        if (nameLength > MAX_STRING || nameLength > data.remaining() - 2) {
            reply(option, REP_ERR_INVALID, message("export name length " + nameLength + " does not fit the option"));
            return null;
        }
        String name = decodeOrNull(data.slice(data.position(), (int) nameLength));
        data.position(data.position() + (int) nameLength);
        int count = data.getShort() & 0xffff;
        if (data.remaining() != 2L * count) {
            reply(option, REP_ERR_INVALID, message(count + " information requests need " + 2 * count
                    + " bytes, the option has " + data.remaining()));
            return null;
        }
        boolean wantName = false;
        boolean wantDescription = false;
        for (int i = 0; i < count; i++) {
            int type = data.getShort() & 0xffff;
            wantName |= type == INFO_NAME;
            wantDescription |= type == INFO_DESCRIPTION;
        }
        if (name == null) {
            reply(option, REP_ERR_INVALID, message("the export name is not valid UTF-8"));
            return null;
        }
        NbdExport export = settings.find(name);
        if (export == null) {
            reply(option, REP_ERR_UNKNOWN, message("no export named '" + name + "' (NBD_OPT_LIST shows them)"));
            return null;
        }
        int flags = transmissionFlags();
        ByteBuffer info = ByteBuffer.allocate(12);
        info.putShort((short) INFO_EXPORT).putLong(export.disk().size()).putShort((short) flags).flip();
        reply(option, REP_INFO, info);
        if (wantName) {
            byte[] canonical = utf8(export.name());
            reply(option, REP_INFO, ByteBuffer.allocate(2 + canonical.length).putShort((short) INFO_NAME)
                    .put(canonical).flip());
        }
        if (wantDescription && !export.description().isEmpty()) {
            byte[] text = utf8(export.description());
            reply(option, REP_INFO, ByteBuffer.allocate(2 + text.length).putShort((short) INFO_DESCRIPTION)
                    .put(text).flip());
        }
        // Sent whether asked or not (proto.md allows it). The server accepts any alignment
        // (a VirtualDisk reads single bytes), so the minimum is only advice: 512 when the size
        // allows it, as docs/nbd-protocol.md §5 rule 3 says.
        long size = export.disk().size();
        ByteBuffer blockSize = ByteBuffer.allocate(14);
        blockSize.putShort((short) INFO_BLOCK_SIZE).putInt(size % 512 == 0 ? 512 : 1).putInt(4096)
                .putInt(ServerTransmission.MAX_PAYLOAD).flip();
        reply(option, REP_INFO, blockSize);
        reply(option, REP_ACK, null);
        return option == OPT_GO ? session(export, flags) : null;
    }

    /**
     * LIST/SET_META_CONTEXT: u32 name length, name, u32 query count, queries (u32 length, text).
     * Only base:allocation exists. LIST with no query lists it; "base:" lists it (proto.md
     * "Metadata querying"); SET selects it for that export only, dropping earlier selections.
     */
    private void metaContext(int option, ByteBuffer data) throws IOException {
        if (!structuredReplies) {
            reply(option, REP_ERR_INVALID, message(optionName(option) + " needs NBD_OPT_STRUCTURED_REPLY first"));
            return;
        }
        boolean set = option == OPT_SET_META_CONTEXT;
        if (set) {
            metaExport = null;
        }
        String name = readString(data);
        if (name == null || data.remaining() < 4) {
            reply(option, REP_ERR_INVALID, message("malformed " + optionName(option) + " (bad export name)"));
            return;
        }
        long queries = data.getInt() & 0xffffffffL;
        List<String> texts = new ArrayList<>();
        for (long i = 0; i < queries; i++) {
            String q = readString(data);
            if (q == null) {
                reply(option, REP_ERR_INVALID, message("malformed " + optionName(option) + " (query " + i + ")"));
                return;
            }
            texts.add(q);
        }
        if (data.hasRemaining()) {
            reply(option, REP_ERR_INVALID, message(data.remaining() + " bytes after the last query"));
            return;
        }
        NbdExport export = settings.find(name);
        if (export == null) {
            reply(option, REP_ERR_UNKNOWN, message("no export named '" + name + "'"));
            return;
        }
        boolean match = set ? texts.contains(META_BASE_ALLOCATION)
                : texts.isEmpty() || texts.contains(META_BASE_ALLOCATION) || texts.contains("base:");
        if (match) {
            byte[] context = utf8(META_BASE_ALLOCATION);
            // For LIST the id means nothing and SHOULD be 0 (proto.md).
            reply(option, REP_META_CONTEXT, ByteBuffer.allocate(4 + context.length)
                    .putInt(set ? BASE_ALLOCATION_ID : 0).put(context).flip());
            if (set) {
                metaExport = export.name();
            }
        }
        reply(option, REP_ACK, null);
    }

    private Session session(NbdExport export, int flags) {
        return new Session(export, transport, structuredReplies,
                structuredReplies && export.name().equals(metaExport), flags);
    }

    /** docs/nbd-protocol.md §5 rule 3: read-only, several connections fine, DF with structured replies. */
    private int transmissionFlags() {
        int flags = TFLAG_HAS_FLAGS | TFLAG_READ_ONLY | TFLAG_CAN_MULTI_CONN | TFLAG_SEND_FLUSH | TFLAG_SEND_CACHE;
        return structuredReplies ? flags | TFLAG_SEND_DF : flags;
    }

    private void reply(int option, int type, ByteBuffer data) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(20);
        int length = data == null ? 0 : data.remaining();
        header.putLong(OPTION_REPLY_MAGIC).putInt(option).putInt(type).putInt(length).flip();
        if (data == null) {
            transport.writeFully(header);
        } else {
            transport.writeFully(header, data);
        }
    }

    private static ByteBuffer message(String text) {
        return ByteBuffer.wrap(utf8(text));
    }

    /** u32 length + UTF-8 text within {@code data}, or null when it does not fit or decode. */
    private static String readString(ByteBuffer data) {
        if (data.remaining() < 4) {
            return null;
        }
        long length = data.getInt() & 0xffffffffL;
        if (length > MAX_STRING || length > data.remaining()) {
            return null;
        }
        String s = decodeOrNull(data.slice(data.position(), (int) length));
        data.position(data.position() + (int) length);
        return s;
    }

    private static String decodeOrNull(ByteBuffer b) {
        if (b.remaining() > MAX_STRING) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The stream ending during negotiation is the client's choice, not a failure. */
    static boolean isEndOfStream(IOException e) {
        return e instanceof EOFException;
    }
}
