package org.smapimigrate.nbd;

import static org.smapimigrate.nbd.NbdProtocol.*;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One NBD connection in the transmission phase: several requests in flight, matched to their
 * replies by cookie on a reader thread, simple and structured replies, READ/WRITE split into
 * requests of at most 256 KiB (READ) and 1 MiB (WRITE) (less if the server's maximum payload is smaller), WRITE_ZEROES/TRIM/FLUSH only when advertised, block status over
 * base:allocation. Thread-safe: requests from several threads share the window.
 *
 * <p>Two ways to wait. The plain methods ({@link #read}, {@link #write}, ...) return when the
 * server has answered. The {@code ...Async} writes return once the request is on the wire (the
 * caller's buffer is free again) and report a failure later, from {@link #awaitAsync()},
 * {@link #flush()} or any later asynchronous call: the first failure sticks, because data
 * written after a failed write cannot be trusted either.
 *
 * <p>NBD leaves requests in flight unordered; this client does not: a request overlapping a
 * WRITE, WRITE_ZEROES or TRIM in flight waits for it, so every byte sees operations in the
 * order they were issued (a copy never overlaps itself, so this costs it nothing).
 */
public final class NbdClient implements Closeable {
    /** qemu-nbd serves 16 requests at once; more only queue in the socket. */
    static final int MAX_IN_FLIGHT = 16;
    /** tapdisk (2 MiB maximum payload) serves 8. */
    static final int MAX_IN_FLIGHT_SMALL_SERVER = 8;
    private static final int SMALL_SERVER_MAX_PAYLOAD = 2 << 20;
    /**
     * READ and WRITE payloads are split at 1 MiB (or the server's maximum, if smaller). Measured
     * on qemu-nbd 7.2 serving a tmpfs file: 256 KiB-1 MiB reads run about twice as fast as 4-32
     * MiB ones (each large request buffer is mmapped and unmapped), writes are equal from 1 MiB
     * up; nbdcopy uses 256 KiB. Zeroing and trimming carry no payload and keep the maximum.
     */
    static final int REQUEST_SIZE = 1 << 20;
    /**
     * READs go out at 256 KiB, as nbdcopy's do: a 2 MiB data extent becomes 8 requests in flight
     * instead of 2, and qemu-nbd serves them in parallel. Measured reading a 1 GiB dynamic VHD
     * (40% of 2 MiB blocks) from qemu-nbd on tmpfs: about 1.6x faster than 1 MiB reads.
     */
    static final int READ_REQUEST_SIZE = 256 << 10;
    /** BLOCK_STATUS lengths may exceed the payload maximum (proto.md); 1 GiB fits the u32 and every server seen. */
    static final int BLOCK_STATUS_MAX = 1 << 30;
    /** proto.md: stay under 2^20 extents per reply. */
    private static final int MAX_BLOCK_STATUS_PAYLOAD = 4 + 8 * (1 << 20);
    /** An error chunk: u32 error, u16 message length, message, maybe u64 offset. */
    private static final int MAX_ERROR_PAYLOAD = 6 + 65535 + 8;
    /** How long close() waits for the server to hang up after NBD_CMD_DISC before closing itself. */
    private static final long DISCONNECT_WAIT_MS = 30_000;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

    private final String target;
    private final Transport transport;
    private final ExportInfo export;
    private final int maxInFlight;
    private final Semaphore window;
    private final ConcurrentHashMap<Long, InFlightRequest> pending = new ConcurrentHashMap<>();
    private final AtomicLong cookies = new AtomicLong(1);
    private final AtomicReference<NbdException> asyncFailure = new AtomicReference<>();
    /** Guards {@link #fatal} and {@link #closing} against submissions racing a failure. */
    private final Object lock = new Object();
    private final Object sendLock = new Object();
    private final ByteBuffer requestHeader = ByteBuffer.allocate(REQUEST_HEADER_SIZE);
    private final Thread reader;

    private NbdException fatal;
    private boolean closing;
    private volatile boolean disconnecting;
    private volatile NbdException serverShutdown;

    private NbdClient(Transport transport, String target, ExportInfo export) {
        this.transport = transport;
        this.target = target;
        this.export = export;
        int max = export.blockSizes().advertised() && export.blockSizes().maxPayload() <= SMALL_SERVER_MAX_PAYLOAD
                ? MAX_IN_FLIGHT_SMALL_SERVER
                : MAX_IN_FLIGHT;
        this.maxInFlight = max;
        this.window = new Semaphore(max);
        this.reader = new Thread(new ReplyReader(), "nbd-reader " + target);
        reader.setDaemon(true);
    }

    /** Connects to {@code uri} (see {@link NbdUri}) and negotiates its export. */
    public static NbdClient connect(String uri) throws IOException {
        return connect(NbdUri.parse(uri));
    }

    public static NbdClient connect(NbdUri uri) throws IOException {
        return connect(uri, null);
    }

    /**
     * Connects; an nbds URI negotiates TLS first with the certificates in {@code tlsDir} (or the
     * URI's {@code tls-certificates} parameter when {@code tlsDir} is null).
     */
    public static NbdClient connect(NbdUri uri, java.nio.file.Path tlsDir) throws IOException {
        Handshake.TlsUpgrade tls = ClientTls.upgradeFor(uri, tlsDir);
        Transport t = SocketTransport.connect(uri);
        return connect(t, uri.describe(), uri.exportName(), HandshakeDeadline.DEFAULT_SECONDS, tls);
    }

    /**
     * Connects to a TCP or UNIX {@code uri} and negotiates STARTTLS with {@code tlsContext} (a context the
     * caller built, e.g. pinning one certificate), checking {@code tlsHostname} against the server's
     * certificate unless it is null. The URI's own TLS parameters are not used.
     */
    public static NbdClient connect(NbdUri uri, javax.net.ssl.SSLContext tlsContext, String tlsHostname)
            throws IOException {
        Handshake.TlsUpgrade tls = ClientTls.upgradeWith(tlsContext, tlsHostname);
        Transport t = SocketTransport.connect(uri);
        return connect(t, uri.describe(), uri.exportName(), HandshakeDeadline.DEFAULT_SECONDS, tls);
    }

    /**
     * Negotiates {@code exportName} over an already open transport and starts the reply reader.
     * The client owns the transport from here on, also when negotiation fails.
     */
    public static NbdClient connect(Transport transport, String target, String exportName) throws IOException {
        return connect(transport, target, exportName, HandshakeDeadline.DEFAULT_SECONDS);
    }

    static NbdClient connect(Transport transport, String target, String exportName, long handshakeSeconds)
            throws IOException {
        return connect(transport, target, exportName, handshakeSeconds, null);
    }

    static NbdClient connect(Transport transport, String target, String exportName, long handshakeSeconds,
            Handshake.TlsUpgrade tls) throws IOException {
        ExportInfo info;
        Transport negotiated;
        try (HandshakeDeadline deadline = new HandshakeDeadline(transport, handshakeSeconds)) {
            try {
                Handshake handshake = new Handshake(transport, target, tls);
                info = handshake.negotiate(exportName);
                negotiated = handshake.transport();
            } catch (IOException e) {
                closeQuietly(transport);
                throw deadline.explain(e, target);
            } catch (RuntimeException e) {
                closeQuietly(transport);
                throw e;
            }
        }
        NbdClient client = new NbdClient(negotiated, target, info);
        client.reader.start();
        return client;
    }

    /** Asks the server about {@code uri}'s export with NBD_OPT_INFO, without entering transmission. */
    public static ExportInfo queryInfo(String uri) throws IOException {
        return queryInfo(NbdUri.parse(uri));
    }

    public static ExportInfo queryInfo(NbdUri uri) throws IOException {
        return queryInfo(uri, null);
    }

    public static ExportInfo queryInfo(NbdUri uri, java.nio.file.Path tlsDir) throws IOException {
        Handshake.TlsUpgrade tls = ClientTls.upgradeFor(uri, tlsDir);
        try (Transport t = SocketTransport.connect(uri);
                HandshakeDeadline deadline = new HandshakeDeadline(t, HandshakeDeadline.DEFAULT_SECONDS)) {
            try {
                return new Handshake(t, uri.describe(), tls).queryInfo(uri.exportName());
            } catch (IOException e) {
                throw deadline.explain(e, uri.describe());
            }
        }
    }

    /** What negotiation established. */
    public ExportInfo export() {
        return export;
    }

    public long size() {
        return export.size();
    }

    /** Largest READ/WRITE payload this client sends: {@link #REQUEST_SIZE} within the server's limits. */
    int requestSize() {
        return withinLimits(REQUEST_SIZE);
    }

    /** Largest READ payload: {@link #READ_REQUEST_SIZE} within the server's limits. */
    int readRequestSize() {
        return withinLimits(READ_REQUEST_SIZE);
    }

    private int withinLimits(int wanted) {
        BlockSizeConstraints b = export.blockSizes();
        int size = Math.min(wanted, b.maxPayload());
        return Math.max(size - size % b.minimum(), b.minimum());
    }

    /** Target name used in messages (the URI, secrets redacted). */
    public String target() {
        return target;
    }

    /** The most requests this client keeps in flight on this connection. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset}, as pipelined requests of at most
     * {@link #readRequestSize()} bytes; misaligned ends go through a bounce buffer. Advances {@code dst} to its limit.
     */
    public void read(ByteBuffer dst, long offset) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException(target + ": cannot read into a read-only buffer");
        }
        int length = dst.remaining();
        checkRange("read", offset, length);
        int align = export.blockSizes().readAlignment(export.size());
        if (isAligned(offset, length, align)) {
            readAligned(dst, offset);
            return;
        }
        long start = offset - offset % align;
        long end = Math.min(roundUp(offset + length, align), export.size());
        int window = (int) Math.min(end - start, readRequestSize());
        ByteBuffer bounce = ByteBuffer.allocate(window);
        int base = dst.position();
        for (long w = start; w < end; w += window) {
            int n = (int) Math.min(window, end - w);
            bounce.clear().limit(n);
            readAligned(bounce, w);
            long from = Math.max(w, offset);
            long to = Math.min(w + n, offset + length);
            if (from < to) {
                dst.put((int) (base + from - offset), bounce, (int) (from - w), (int) (to - from));
            }
        }
        dst.position(dst.limit());
    }

    private void readAligned(ByteBuffer dst, long offset) throws IOException {
        int maxPayload = readRequestSize();
        List<InFlightRequest> sent = new ArrayList<>();
        int index = dst.position();
        int remaining = dst.remaining();
        long at = offset;
        try {
            while (remaining > 0) {
                int n = Math.min(remaining, maxPayload);
                sent.add(submit(CMD_READ, 0, at, n, null, dst.slice(index, n), false));
                index += n;
                at += n;
                remaining -= n;
            }
        } finally {
            // Even when a submission failed, the requests already sent still write into dst:
            // wait for all of them before the caller gets its buffer back.
            awaitAll(sent);
        }
        dst.position(dst.limit());
    }

    /** Writes all of {@code src} at {@code offset} and waits for the server's answers. */
    public void write(ByteBuffer src, long offset) throws IOException {
        awaitAll(sendWrite(src, offset, false));
    }

    /**
     * Sends {@code src} to {@code offset} and returns as soon as it is on the wire ({@code src}
     * is advanced and may be reused). A failure is reported by a later call.
     */
    public void writeAsync(ByteBuffer src, long offset) throws IOException {
        throwAsyncFailure();
        sendWrite(src, offset, true);
    }

    private List<InFlightRequest> sendWrite(ByteBuffer src, long offset, boolean async) throws IOException {
        int length = src.remaining();
        checkWritable(CMD_WRITE, offset, length);
        int maxPayload = requestSize();
        List<InFlightRequest> sent = new ArrayList<>();
        int index = src.position();
        long at = offset;
        int remaining = length;
        try {
            while (remaining > 0) {
                int n = Math.min(remaining, maxPayload);
                sent.add(submit(CMD_WRITE, 0, at, n, src.slice(index, n), null, async));
                index += n;
                at += n;
                remaining -= n;
            }
        } catch (IOException | RuntimeException e) {
            awaitAllQuietly(sent);
            throw e;
        }
        src.position(src.limit());
        return sent;
    }

    /**
     * NBD_CMD_WRITE_ZEROES without NO_HOLE, so the server may punch a hole: holes stay holes.
     * Only when the export advertises it ({@link TransmissionFlags#canWriteZeroes()}).
     */
    public void writeZeroes(long offset, long length) throws IOException {
        awaitAll(sendRanged(CMD_WRITE_ZEROES, offset, length, false));
    }

    /** {@link #writeZeroes} returning once sent; failures are reported later. */
    public void writeZeroesAsync(long offset, long length) throws IOException {
        throwAsyncFailure();
        sendRanged(CMD_WRITE_ZEROES, offset, length, true);
    }

    /** NBD_CMD_TRIM (a hint: the range may read back as anything). Only when advertised. */
    public void trim(long offset, long length) throws IOException {
        awaitAll(sendRanged(CMD_TRIM, offset, length, false));
    }

    private List<InFlightRequest> sendRanged(int command, long offset, long length, boolean async)
            throws IOException {
        boolean offered = command == CMD_TRIM ? export.flags().canTrim() : export.flags().canWriteZeroes();
        if (!offered) {
            throw NbdException.local(target, NbdException.UNSUPPORTED, "the export does not offer "
                    + commandName(command) + " (transmission flags " + export.flags() + ")");
        }
        checkWritable(command, offset, length);
        // Lengths may exceed the payload maximum but the server may refuse them (proto.md
        // "Sizes"); qemu as a writer keeps WRITE_ZEROES at 32 MiB too.
        int chunk = export.blockSizes().maxPayload();
        List<InFlightRequest> sent = new ArrayList<>();
        long at = offset;
        long end = offset + length;
        try {
            while (at < end) {
                int n = (int) Math.min(chunk, end - at);
                sent.add(submit(command, 0, at, n, null, null, async));
                at += n;
            }
        } catch (IOException | RuntimeException e) {
            awaitAllQuietly(sent);
            throw e;
        }
        return sent;
    }

    /**
     * Waits until every request in flight is answered, then sends NBD_CMD_FLUSH: proto.md, a
     * FLUSH covers the writes answered before it. Only when advertised; see
     * {@link #awaitAsync()} for servers without it.
     */
    public void flush() throws IOException {
        if (!export.flags().canFlush()) {
            throw NbdException.local(target, NbdException.UNSUPPORTED,
                    "the export does not offer NBD_CMD_FLUSH (transmission flags " + export.flags() + ")");
        }
        awaitAsync();
        InFlightRequest r = submit(CMD_FLUSH, 0, 0, 0, null, null, false);
        await(r);
    }

    /** Waits until every request in flight is answered; throws the first asynchronous failure. */
    public void awaitAsync() throws IOException {
        synchronized (lock) {
            while (!pending.isEmpty()) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException(target + ": interrupted while waiting for "
                            + pending.size() + " NBD request(s)");
                }
            }
        }
        throwAsyncFailure();
    }

    private void throwAsyncFailure() throws NbdException {
        NbdException failure = asyncFailure.get();
        if (failure != null) {
            throw failure.again();
        }
    }

    /**
     * base:allocation for {@code [offset, offset + length)}: extents in order, without gaps,
     * clipped to the range, adjacent extents with equal flags merged. Loops over as many
     * BLOCK_STATUS requests as the server needs (it may answer for less than asked).
     */
    public List<BlockStatusExtent> blockStatus(long offset, long length) throws IOException {
        if (!export.canBlockStatus()) {
            throw NbdException.local(target, NbdException.UNSUPPORTED, "the server did not agree to the "
                    + "base:allocation meta context (it needs structured replies and NBD_OPT_SET_META_CONTEXT)");
        }
        checkRange("block status", offset, length);
        int align = export.blockSizes().readAlignment(export.size());
        long end = offset + length;
        long alignedEnd = Math.min(roundUp(end, align), export.size());
        long at = offset - offset % align;
        List<BlockStatusExtent> out = new ArrayList<>();
        while (at < end) {
            int ask = (int) Math.min(alignedEnd - at, BLOCK_STATUS_MAX);
            InFlightRequest r = submit(CMD_BLOCK_STATUS, 0, at, ask, null, null, false);
            await(r);
            long requestEnd = at + ask;
            for (BlockStatusExtent e : r.extents) {
                long from = Math.max(e.offset(), offset);
                long to = Math.min(Math.min(e.end(), requestEnd), end);
                if (from < to) {
                    append(out, new BlockStatusExtent(from, to - from, e.flags()));
                }
                if (e.end() >= requestEnd) {
                    break;
                }
            }
            // Extents have non-zero lengths (checked on receipt), so this always advances.
            at = Math.min(r.extents.get(r.extents.size() - 1).end(), requestEnd);
        }
        return out;
    }

    private static void append(List<BlockStatusExtent> out, BlockStatusExtent e) {
        int last = out.size() - 1;
        if (last >= 0 && out.get(last).flags() == e.flags() && out.get(last).end() == e.offset()) {
            out.set(last, new BlockStatusExtent(out.get(last).offset(), out.get(last).length() + e.length(), e.flags()));
        } else {
            out.add(e);
        }
    }

    /**
     * Waits for the requests in flight, sends NBD_CMD_DISC and waits for the server to hang up.
     * Does not flush: callers that wrote call {@link #flush()} first. Never throws for an earlier
     * failure; those went to the callers that waited (or {@link #awaitAsync()}).
     */
    @Override
    public void close() throws IOException {
        boolean healthy;
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            healthy = fatal == null;
        }
        try {
            if (healthy) {
                disconnect();
            }
        } finally {
            failAll(NbdException.local(target, NbdException.CLOSED, "the NBD connection is closed"));
            try {
                reader.join(DISCONNECT_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void disconnect() {
        try {
            synchronized (lock) {
                while (!pending.isEmpty() && fatal == null) {
                    lock.wait();
                }
                if (fatal != null) {
                    return;
                }
            }
            // proto.md: DISC has no reply; the server finishes what is in flight and closes.
            disconnecting = true;
            synchronized (sendLock) {
                writeHeader(CMD_DISC, 0, cookies.getAndIncrement(), 0, 0, null);
            }
            transport.shutdownOutput();
            reader.join(DISCONNECT_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The server went away first; nothing was in flight, so nothing is lost.
        }
    }

    private void checkRange(String what, long offset, long length) throws NbdException {
        if (offset < 0 || length < 0 || length > export.size() - offset) {
            throw NbdException.local(target, NbdException.OUT_OF_RANGE, what + " of " + length + " bytes at offset "
                    + offset + " is outside the export (" + export.size() + " bytes)");
        }
    }

    private void checkWritable(int command, long offset, long length) throws NbdException {
        if (export.flags().readOnly()) {
            throw NbdException.local(target, NbdException.READ_ONLY, "cannot send " + commandName(command)
                    + ": the export is read-only (the server sets NBD_FLAG_READ_ONLY)");
        }
        checkRange(commandName(command), offset, length);
        int align = export.blockSizes().writeAlignment();
        if (!isAligned(offset, length, align)) {
            throw NbdException.local(target, NbdException.MISALIGNED, commandName(command) + " of " + length
                    + " bytes at offset " + offset + " is not aligned to the export's minimum block size "
                    + align + " (NBD_INFO_BLOCK_SIZE)");
        }
    }

    /** Aligned, or ending exactly at the export's end (a size that is not a multiple of the block). */
    private boolean isAligned(long offset, long length, int align) {
        return offset % align == 0 && (length % align == 0 || offset + length == export.size());
    }

    private static long roundUp(long x, int align) {
        long r = x % align;
        return r == 0 ? x : x + (align - r);
    }

    private InFlightRequest submit(int command, int flags, long offset, int length, ByteBuffer payload,
            ByteBuffer readTarget, boolean async) throws IOException {
        NbdException shutdown = serverShutdown;
        if (shutdown != null) {
            throw shutdown.again();
        }
        try {
            window.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(target + ": interrupted while waiting to send " + commandName(command));
        }
        long cookie = cookies.getAndIncrement();
        InFlightRequest r = new InFlightRequest(cookie, command, offset, length, readTarget, async,
                export.structuredReplies());
        while (true) {
            InFlightRequest conflict;
            synchronized (lock) {
                if (fatal != null || closing) {
                    window.release();
                    throw fatal != null ? fatal.again()
                            : NbdException.local(target, NbdException.CLOSED, "the NBD connection is closed");
                }
                conflict = overlapping(r);
                if (conflict == null) {
                    pending.put(cookie, r);
                    break;
                }
            }
            conflict.awaitUninterruptibly();
        }
        try {
            synchronized (sendLock) {
                writeHeader(command, flags, cookie, offset, length, payload);
            }
        } catch (IOException e) {
            NbdException failure = NbdException.local(target, NbdException.CONNECTION_LOST,
                    "cannot send " + r.describe() + ": " + e.getMessage(), e);
            failAll(failure);
            throw failure;
        }
        return r;
    }

    /**
     * proto.md gives requests in flight no order: a READ sent after a WRITE of the same bytes may
     * see the old data, and two overlapping WRITEs may land either way round. Callers expect the
     * order they issued, so a request waits for any overlapping request in flight when either of
     * the two modifies data. Caller holds {@link #lock}; at most {@link #maxInFlight} to scan.
     */
    private InFlightRequest overlapping(InFlightRequest r) {
        if (r.command == CMD_FLUSH) {
            return null;
        }
        boolean modifies = modifies(r.command);
        long end = r.offset + r.length;
        for (InFlightRequest other : pending.values()) {
            if ((modifies || modifies(other.command)) && other.command != CMD_FLUSH
                    && other.offset < end && r.offset < other.offset + other.length) {
                return other;
            }
        }
        return null;
    }

    private static boolean modifies(int command) {
        return command == CMD_WRITE || command == CMD_WRITE_ZEROES || command == CMD_TRIM;
    }

    /** Caller holds {@link #sendLock}: a request header and its payload must not be interleaved. */
    private void writeHeader(int command, int flags, long cookie, long offset, int length, ByteBuffer payload)
            throws IOException {
        ByteBuffer h = requestHeader.clear();
        h.putInt(REQUEST_MAGIC).putShort((short) flags).putShort((short) command).putLong(cookie)
                .putLong(offset).putInt(length).flip();
        if (payload == null) {
            transport.writeFully(h);
        } else {
            transport.writeFully(h, payload);
        }
    }

    private void await(InFlightRequest r) throws IOException {
        try {
            r.await();
        } catch (InterruptedException e) {
            // The reader may still be filling the caller's buffer: drop the connection, wait for
            // the request to be failed, then give the buffer back.
            failAll(NbdException.local(target, NbdException.CLOSED,
                    "interrupted while waiting for " + r.describe() + "; connection closed"));
            r.awaitUninterruptibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(target + ": interrupted while waiting for " + r.describe());
        }
        NbdException error = r.error();
        if (error != null) {
            throw error.again();
        }
    }

    /** Waits for every request; throws the first failure once all are done. */
    private void awaitAll(List<InFlightRequest> requests) throws IOException {
        IOException first = null;
        for (InFlightRequest r : requests) {
            try {
                await(r);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void awaitAllQuietly(List<InFlightRequest> requests) {
        for (InFlightRequest r : requests) {
            r.awaitUninterruptibly();
        }
    }

    /** Answers {@code r}: the single place a request leaves {@link #pending}. */
    private void complete(InFlightRequest r, NbdException failure) {
        if (!pending.remove(r.cookie, r)) {
            return;
        }
        r.finish(failure);
        NbdException error = r.error();
        if (error != null && r.async) {
            asyncFailure.compareAndSet(null, error);
        }
        window.release();
        synchronized (lock) {
            if (pending.isEmpty()) {
                lock.notifyAll();
            }
        }
    }

    /** The connection is unusable: fail every request in flight and every later one with {@code e}. */
    private void failAll(NbdException e) {
        List<InFlightRequest> victims;
        synchronized (lock) {
            if (fatal == null) {
                fatal = e;
            }
            victims = new ArrayList<>(pending.values());
        }
        for (InFlightRequest r : victims) {
            complete(r, fatal);
        }
        closeQuietly(transport);
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private static void closeQuietly(Transport t) {
        try {
            t.close();
        } catch (IOException ignored) {
            // closing after a failure: the failure is what gets reported
        }
    }

    /**
     * Reads replies until the connection ends and hands each to its request (proto.md
     * "Transmission"). A protocol violation drops the connection: after one, no later byte can
     * be trusted to belong where the server says.
     */
    private final class ReplyReader implements Runnable {
        private final ByteBuffer header = ByteBuffer.allocate(STRUCTURED_REPLY_HEADER_SIZE);

        @Override
        public void run() {
            try {
                while (true) {
                    header.clear().limit(4);
                    try {
                        transport.readFully(header);
                    } catch (EOFException e) {
                        onEndOfStream();
                        return;
                    }
                    int magic = header.getInt(0);
                    if (magic == SIMPLE_REPLY_MAGIC) {
                        onSimpleReply();
                    } else if (magic == STRUCTURED_REPLY_MAGIC) {
                        onChunk();
                    } else {
                        throw violation(String.format("reply magic 0x%08x is neither simple (0x%08x) nor structured "
                                + "(0x%08x)", magic, SIMPLE_REPLY_MAGIC, STRUCTURED_REPLY_MAGIC));
                    }
                }
            } catch (NbdException e) {
                failAll(e);
            } catch (IOException e) {
                failAll(NbdException.local(target, disconnecting ? NbdException.CLOSED : NbdException.CONNECTION_LOST,
                        "connection to the NBD server lost: " + e, e));
            } catch (RuntimeException e) {
                failAll(NbdException.local(target, NbdException.PROTOCOL_ERROR,
                        "cannot process a reply from the NBD server: " + e, e));
            }
        }

        private void onEndOfStream() {
            int outstanding = pending.size();
            if (disconnecting && outstanding == 0) {
                failAll(NbdException.local(target, NbdException.CLOSED, "the NBD connection is closed"));
            } else {
                failAll(NbdException.local(target, NbdException.CONNECTION_LOST, "the server closed the connection"
                        + " with " + outstanding + " request(s) unanswered"));
            }
        }

        private void onSimpleReply() throws IOException {
            header.clear().limit(SIMPLE_REPLY_HEADER_SIZE - 4);
            transport.readFully(header);
            int errno = header.getInt(0);
            long cookie = header.getLong(4);
            InFlightRequest r = requestFor(cookie, "simple reply");
            if (errno != 0) {
                // No data follows an error, even for READ.
                r.recordError(serverError(r, errno, "", -1));
                complete(r, null);
                return;
            }
            if (r.command == CMD_READ) {
                if (export.structuredReplies()) {
                    throw violation("simple reply with data to " + r.describe()
                            + " although structured replies were negotiated");
                }
                transport.readFully(r.readTarget.duplicate().clear().limit(r.length));
            } else if (r.command == CMD_BLOCK_STATUS) {
                throw violation("simple success reply to " + r.describe() + " carries no extents");
            }
            complete(r, null);
        }

        private void onChunk() throws IOException {
            header.clear().limit(STRUCTURED_REPLY_HEADER_SIZE - 4);
            transport.readFully(header);
            int flags = header.getShort(0) & 0xffff;
            int type = header.getShort(2) & 0xffff;
            long cookie = header.getLong(4);
            long length = header.getInt(12) & 0xffffffffL;
            if (!export.structuredReplies()) {
                throw violation("structured reply chunk although structured replies were not negotiated");
            }
            InFlightRequest r = requestFor(cookie, chunkName(type) + " chunk");
            switch (type) {
                case CHUNK_NONE -> {
                    if (length != 0 || (flags & REPLY_FLAG_DONE) == 0) {
                        throw violation("NBD_REPLY_TYPE_NONE must be empty and carry DONE (length " + length
                                + ", flags " + flags + ")");
                    }
                }
                case CHUNK_OFFSET_DATA -> onData(r, length);
                case CHUNK_OFFSET_HOLE -> onHole(r, length);
                case CHUNK_BLOCK_STATUS -> onBlockStatus(r, length);
                default -> {
                    if ((type & CHUNK_FLAG_ERROR) == 0) {
                        // proto.md: unknown non-error chunk types mean disconnect.
                        throw violation("unknown chunk type " + chunkName(type) + " for " + r.describe());
                    }
                    onError(r, type, length);
                }
            }
            if ((flags & REPLY_FLAG_DONE) != 0) {
                onDone(r);
            }
        }

        private void onData(InFlightRequest r, long length) throws IOException {
            if (r.command != CMD_READ) {
                throw violation("NBD_REPLY_TYPE_OFFSET_DATA for " + r.describe());
            }
            if (length <= 8) {
                throw violation("NBD_REPLY_TYPE_OFFSET_DATA of " + length + " bytes carries no data");
            }
            long at = readU64();
            long relative = at - r.offset;
            long count = length - 8;
            String wrong = r.coverage.add(relative, count);
            if (wrong != null) {
                throw violation("NBD_REPLY_TYPE_OFFSET_DATA at " + at + " for " + r.describe() + ": " + wrong);
            }
            ByteBuffer into = r.readTarget.duplicate().clear();
            into.position((int) relative).limit((int) (relative + count));
            transport.readFully(into);
        }

        private void onHole(InFlightRequest r, long length) throws IOException {
            if (r.command != CMD_READ) {
                throw violation("NBD_REPLY_TYPE_OFFSET_HOLE for " + r.describe());
            }
            if (length != 12) {
                throw violation("NBD_REPLY_TYPE_OFFSET_HOLE of " + length + " bytes, expected 12");
            }
            header.clear().limit(12);
            transport.readFully(header);
            long at = header.getLong(0);
            long count = header.getInt(8) & 0xffffffffL;
            long relative = at - r.offset;
            String wrong = r.coverage.add(relative, count);
            if (wrong != null) {
                throw violation("NBD_REPLY_TYPE_OFFSET_HOLE at " + at + " for " + r.describe() + ": " + wrong);
            }
            ByteBuffer into = r.readTarget.duplicate().clear();
            into.position((int) relative).limit((int) (relative + count));
            while (into.hasRemaining()) {
                into.put(ZEROS.duplicate().limit(Math.min(ZEROS.capacity(), into.remaining())));
            }
        }

        private void onBlockStatus(InFlightRequest r, long length) throws IOException {
            if (r.command != CMD_BLOCK_STATUS) {
                throw violation("NBD_REPLY_TYPE_BLOCK_STATUS for " + r.describe());
            }
            if (length < 12 || (length - 4) % 8 != 0 || length > MAX_BLOCK_STATUS_PAYLOAD) {
                throw violation("NBD_REPLY_TYPE_BLOCK_STATUS of " + length + " bytes (expected 4 + 8n, n from 1 to 2^20)");
            }
            if (r.blockStatusSeen) {
                throw violation("a second NBD_REPLY_TYPE_BLOCK_STATUS for " + r.describe() + " (one context selected)");
            }
            ByteBuffer payload = ByteBuffer.allocate((int) length);
            transport.readFully(payload);
            payload.flip();
            long id = payload.getInt() & 0xffffffffL;
            if (id != export.baseAllocationId()) {
                throw violation("block status for meta context " + id + "; base:allocation is "
                        + export.baseAllocationId());
            }
            long at = r.offset;
            while (payload.hasRemaining()) {
                long extentLength = payload.getInt() & 0xffffffffL;
                int extentFlags = payload.getInt();
                if (extentLength == 0) {
                    throw violation("zero-length extent at " + at + " in block status for " + r.describe());
                }
                r.extents.add(new BlockStatusExtent(at, extentLength, extentFlags));
                at += extentLength;
            }
            r.blockStatusSeen = true;
        }

        private void onError(InFlightRequest r, int type, long length) throws IOException {
            if (length < 6 || length > MAX_ERROR_PAYLOAD) {
                throw violation(chunkName(type) + " of " + length + " bytes (expected 6 + message)");
            }
            ByteBuffer payload = ByteBuffer.allocate((int) length);
            transport.readFully(payload);
            payload.flip();
            int errno = payload.getInt();
            int messageLength = payload.getShort() & 0xffff;
            if (messageLength > payload.remaining()) {
                throw violation(chunkName(type) + " message of " + messageLength + " bytes in a " + length
                        + "-byte chunk");
            }
            String message = Handshake.decode(payload.slice(payload.position(), messageLength));
            payload.position(payload.position() + messageLength);
            long at = -1;
            if (type == CHUNK_ERROR_OFFSET) {
                if (payload.remaining() != 8) {
                    throw violation("NBD_REPLY_TYPE_ERROR_OFFSET without its 8-byte offset");
                }
                at = payload.getLong();
            } else if (type == CHUNK_ERROR && payload.hasRemaining()) {
                throw violation("NBD_REPLY_TYPE_ERROR has " + payload.remaining() + " bytes after its message");
            }
            if (errno == 0) {
                throw violation(chunkName(type) + " with error 0 for " + r.describe());
            }
            if (type != CHUNK_ERROR && type != CHUNK_ERROR_OFFSET) {
                // proto.md: an unknown error chunk fails the request; its payload starts the same way.
                message = chunkName(type) + (message.isEmpty() ? "" : ": " + message);
            }
            r.recordError(serverError(r, errno, message, at));
        }

        private void onDone(InFlightRequest r) throws NbdException {
            if (r.error() == null) {
                if (r.command == CMD_READ && !r.coverage.complete()) {
                    throw violation(r.describe() + " finished with only " + r.coverage.covered()
                            + " bytes covered by data and hole chunks");
                }
                if (r.command == CMD_BLOCK_STATUS && !r.blockStatusSeen) {
                    throw violation(r.describe() + " finished without a NBD_REPLY_TYPE_BLOCK_STATUS chunk");
                }
            }
            complete(r, null);
        }

        private NbdException serverError(InFlightRequest r, int errno, String message, long at) {
            if (errno == ESHUTDOWN) {
                // proto.md: on ESHUTDOWN the client should finish and disconnect; send nothing new.
                serverShutdown = NbdException.fromServer(target, "the server is shutting down",
                        errnoName(errno), errno, message, errnoMeaning(errno));
            }
            String what = r.describe() + " failed" + (at >= 0 ? " at byte " + at : "");
            return NbdException.fromServer(target, what, errnoName(errno), errno, message, errnoMeaning(errno));
        }

        private InFlightRequest requestFor(long cookie, String what) throws NbdException {
            InFlightRequest r = pending.get(cookie);
            if (r == null) {
                throw violation(what + " for cookie " + cookie + ", which no request in flight has");
            }
            return r;
        }

        private long readU64() throws IOException {
            header.clear().limit(8);
            transport.readFully(header);
            return header.getLong(0);
        }

        private NbdException violation(String detail) {
            return NbdException.local(target, NbdException.PROTOCOL_ERROR,
                    "server broke the NBD protocol, connection dropped: " + detail);
        }
    }
}
