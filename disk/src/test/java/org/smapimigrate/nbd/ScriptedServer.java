package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A fake NBD server that plays one scripted conversation on a UNIX socket, written byte by byte
 * from proto.md, so tests can make a server say what real ones rarely do (errors, odd orders,
 * broken replies). Assertions inside the script surface from {@link #finish()}.
 */
final class ScriptedServer implements AutoCloseable {
    static final long NBDMAGIC = 0x4e42444d41474943L;
    static final long IHAVEOPT = 0x49484156454F5054L;
    static final long OPTION_REPLY_MAGIC = 0x0003e889045565a9L;

    interface Script {
        void play(Wire wire) throws Exception;
    }

    private final ServerSocketChannel listener;
    private final Path socket;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile SocketChannel connection;

    ScriptedServer(Path dir, Script script) throws IOException {
        socket = dir.resolve("fake.sock");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            try (SocketChannel ch = listener.accept()) {
                connection = ch;
                script.play(new Wire(Channels.newInputStream(ch), Channels.newOutputStream(ch)));
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "scripted-nbd-server");
        t.setDaemon(true);
        t.start();
    }

    String uri(String exportName) {
        return NbdUri.unix(socket, exportName).describe();
    }

    /** Waits for the script to end and rethrows what failed inside it. */
    void finish() throws Exception {
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw (Error) e.getCause();
        }
    }

    @Override
    public void close() throws IOException {
        SocketChannel c = connection;
        if (c != null) {
            c.close();
        }
        listener.close();
    }

    /** The server's end of the conversation, in the protocol's terms. */
    static final class Wire {
        final DataInputStream in;
        final DataOutputStream out;

        Wire(InputStream in, OutputStream out) {
            this.in = new DataInputStream(in);
            // Buffered: each reply leaves in one write when flushed, as a real server sends it.
            this.out = new DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16));
        }

        /** Greeting with {@code handshakeFlags}; returns the client's flags. */
        int greet(int handshakeFlags) throws IOException {
            out.writeLong(NBDMAGIC);
            out.writeLong(IHAVEOPT);
            out.writeShort(handshakeFlags);
            out.flush();
            return in.readInt();
        }

        Option readOption() throws IOException {
            assertEquals(IHAVEOPT, in.readLong(), "option magic");
            int option = in.readInt();
            byte[] data = new byte[in.readInt()];
            in.readFully(data);
            return new Option(option, data);
        }

        /** Reads an option and checks it is {@code expected}. */
        Option expectOption(int expected) throws IOException {
            Option o = readOption();
            assertEquals(expected, o.code(), "option code");
            return o;
        }

        void optionReply(int option, int type, byte[] data) throws IOException {
            out.writeLong(OPTION_REPLY_MAGIC);
            out.writeInt(option);
            out.writeInt(type);
            out.writeInt(data.length);
            out.write(data);
            out.flush();
        }

        void optionError(int option, int type, String message) throws IOException {
            optionReply(option, type, message.getBytes(StandardCharsets.UTF_8));
        }

        void ack(int option) throws IOException {
            optionReply(option, NbdProtocol.REP_ACK, new byte[0]);
        }

        void infoExport(int option, long size, int flags) throws IOException {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12).putShort((short) 0).putLong(size)
                    .putShort((short) flags);
            optionReply(option, NbdProtocol.REP_INFO, b.array());
        }

        void infoBlockSize(int option, int min, int preferred, int max) throws IOException {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(14).putShort((short) 3).putInt(min)
                    .putInt(preferred).putInt(max);
            optionReply(option, NbdProtocol.REP_INFO, b.array());
        }

        void metaContext(int id, String name) throws IOException {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + n.length).putInt(id).put(n);
            optionReply(NbdProtocol.OPT_SET_META_CONTEXT, NbdProtocol.REP_META_CONTEXT, b.array());
        }

        /**
         * The usual modern opening: structured replies, base:allocation as context {@code contextId},
         * GO answered with size, flags and optional block sizes (min &lt;= 0 to send none).
         */
        void modernHandshake(long size, int flags, int contextId, int min, int preferred, int max)
                throws IOException {
            greet(3);
            expectOption(NbdProtocol.OPT_STRUCTURED_REPLY);
            ack(NbdProtocol.OPT_STRUCTURED_REPLY);
            Option meta = expectOption(NbdProtocol.OPT_SET_META_CONTEXT);
            java.nio.ByteBuffer m = java.nio.ByteBuffer.wrap(meta.data());
            m.position(4 + m.getInt(0));
            assertEquals(1, m.getInt(), "one meta context query");
            byte[] q = new byte[m.getInt()];
            m.get(q);
            assertEquals("base:allocation", new String(q, StandardCharsets.UTF_8));
            metaContext(contextId, "base:allocation");
            ack(NbdProtocol.OPT_SET_META_CONTEXT);
            Option go = expectOption(NbdProtocol.OPT_GO);
            assertEquals(meta.exportName(), go.exportName(), "GO names the export SET_META_CONTEXT named");
            java.nio.ByteBuffer g = java.nio.ByteBuffer.wrap(go.data());
            g.position(4 + g.getInt(0));
            assertEquals(1, g.getShort(), "GO asks for one information type");
            assertEquals(NbdProtocol.INFO_BLOCK_SIZE, g.getShort(), "GO asks for NBD_INFO_BLOCK_SIZE");
            infoExport(NbdProtocol.OPT_GO, size, flags);
            if (min > 0) {
                infoBlockSize(NbdProtocol.OPT_GO, min, preferred, max);
            }
            ack(NbdProtocol.OPT_GO);
        }

        Request readRequest() throws IOException {
            assertEquals(0x25609513, in.readInt(), "request magic");
            int flags = in.readUnsignedShort();
            int type = in.readUnsignedShort();
            long cookie = in.readLong();
            long offset = in.readLong();
            int length = in.readInt();
            byte[] payload = new byte[0];
            if (type == NbdProtocol.CMD_WRITE) {
                payload = new byte[length];
                in.readFully(payload);
            }
            return new Request(flags, type, cookie, offset, length, payload);
        }

        void simpleReply(long cookie, int error, byte[] data) throws IOException {
            out.writeInt(0x67446698);
            out.writeInt(error);
            out.writeLong(cookie);
            out.write(data);
            out.flush();
        }

        void chunk(int flags, int type, long cookie, byte[] payload) throws IOException {
            out.writeInt(0x668e33ef);
            out.writeShort(flags);
            out.writeShort(type);
            out.writeLong(cookie);
            out.writeInt(payload.length);
            out.write(payload);
            out.flush();
        }

        void dataChunk(boolean done, long cookie, long offset, byte[] data) throws IOException {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + data.length).putLong(offset).put(data);
            chunk(done ? 1 : 0, NbdProtocol.CHUNK_OFFSET_DATA, cookie, b.array());
        }

        void holeChunk(boolean done, long cookie, long offset, int length) throws IOException {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12).putLong(offset).putInt(length);
            chunk(done ? 1 : 0, NbdProtocol.CHUNK_OFFSET_HOLE, cookie, b.array());
        }

        void errorChunk(boolean done, long cookie, int errno, String message) throws IOException {
            byte[] m = message.getBytes(StandardCharsets.UTF_8);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(6 + m.length).putInt(errno)
                    .putShort((short) m.length).put(m);
            chunk(done ? 1 : 0, NbdProtocol.CHUNK_ERROR, cookie, b.array());
        }

        void noneChunk(long cookie) throws IOException {
            chunk(1, NbdProtocol.CHUNK_NONE, cookie, new byte[0]);
        }

        /** extents: pairs of (length, flags). */
        void blockStatusChunk(boolean done, long cookie, int contextId, long... extents) throws IOException {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * extents.length).putInt(contextId);
            for (long e : extents) {
                b.putInt((int) e);
            }
            chunk(done ? 1 : 0, NbdProtocol.CHUNK_BLOCK_STATUS, cookie, b.array());
        }
    }

    record Option(int code, byte[] data) {
        /** The export name at the start of INFO/GO/SET_META_CONTEXT data. */
        String exportName() {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data);
            byte[] n = new byte[b.getInt()];
            b.get(n);
            return new String(n, StandardCharsets.UTF_8);
        }
    }

    record Request(int flags, int type, long cookie, long offset, int length, byte[] payload) {
    }
}
