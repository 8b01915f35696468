package org.smapimigrate.xapi.standin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The guest of a running VM in the stand-in: a thread writing random data at random 4 KiB-aligned
 * offsets (4 KiB to 64 KiB each, never past the end) into the data files of the VM's attached
 * Disk VDIs, at a steady rate, as a guest's block I/O would reach tapdisk. Each write is made
 * under the stand-in's database lock, together with marking the CBT blocks it touched, so that a
 * {@code VDI.snapshot} (a copy of the file, made under the same lock) catches the disk between
 * two writes, as a real snapshot catches it between two requests. The writer stops for good when
 * the VM leaves Running and Paused (clean or hard shutdown) and writes nothing while it is Paused:
 * once the shutdown's answer is sent, no byte of the disk changes any more.
 */
public final class GuestWriter implements AutoCloseable {
    /** How one write is chosen. */
    static final int ALIGN = 4096;
    static final int MAX_WRITE = 64 * 1024;

    private final StandInDatabase db;
    private final StandInStorage storage;
    private final StandInCbt cbt;
    private final String vm;
    private final long bytesPerSecond;
    private final Random random;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    private volatile IOException failure;

    GuestWriter(StandInDatabase db, StandInStorage storage, StandInCbt cbt, String vm, long bytesPerSecond, long seed) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.db = db;
        this.storage = storage;
        this.cbt = cbt;
        this.vm = vm;
        this.bytesPerSecond = bytesPerSecond;
        this.random = new Random(seed);
        this.thread = new Thread(this::run, "stand-in guest writer " + vm);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long started = System.nanoTime();
        byte[] data = new byte[MAX_WRITE];
        while (!closed) {
            int length;
            synchronized (db) {
                if (!db.exists("VM", vm)) {
                    return;
                }
                String state = db.row("VM", vm).path("power_state").asText();
                if (!state.equals("Running") && !state.equals("Paused")) {
                    return; // shut down: the guest is gone
                }
                length = state.equals("Running") ? writeOnce(data) : 0;
            }
            if (length < 0) {
                return;
            }
            // Steady rate: sleep until the bytes written so far are due.
            long due = started + (long) (written.get() * 1e9 / bytesPerSecond);
            long wait = due - System.nanoTime();
            try {
                Thread.sleep(Math.max(1, wait / 1_000_000));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One write under the lock; returns its length, -1 after a failure. */
    private int writeOnce(byte[] data) {
        List<String> disks = new ArrayList<>();
        for (var v : db.row("VM", vm).path("VBDs")) {
            var vbd = db.row("VBD", v.asText());
            if (vbd.path("currently_attached").asBoolean() && vbd.path("type").asText().equals("Disk")
                    && !vbd.path("empty").asBoolean()) {
                disks.add(vbd.path("VDI").asText());
            }
        }
        if (disks.isEmpty()) {
            return 0;
        }
        String vdi = disks.get(random.nextInt(disks.size()));
        long size = db.row("VDI", vdi).path("virtual_size").asLong();
        long slots = size / ALIGN;
        if (slots == 0) {
            return 0;
        }
        long offset = (long) (random.nextDouble() * slots) * ALIGN;
        int length = (int) Math.min(size - offset, ALIGN * (1 + random.nextInt(MAX_WRITE / ALIGN)));
        random.nextBytes(data);
        Path file = storage.backing(vdi);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data, 0, length);
            long at = offset;
            while (b.hasRemaining()) {
                at += ch.write(b, at);
            }
        } catch (IOException e) {
            failure = e;
            return -1;
        }
        cbt.written(vdi, offset, length);
        written.addAndGet(length);
        writes.incrementAndGet();
        return length;
    }

    /** Bytes written so far. */
    public long bytesWritten() {
        return written.get();
    }

    /** Writes made so far. */
    public long writes() {
        return writes.get();
    }

    /** True while the thread runs (until the VM is shut down or {@link #close}). */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Waits for the writer to end (after a shutdown) at most {@code millis}. */
    public boolean awaitStopped(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    /** A write that failed (the data file gone, say), or null. */
    public IOException failure() {
        return failure;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
