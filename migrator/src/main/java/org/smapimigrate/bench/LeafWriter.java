package org.smapimigrate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A stand-in for a running VM's tapdisk: writes random data at random sector-aligned offsets of
 * the active leaf of a file-SR VDI, through our {@link org.smapimigrate.vhd.VhdWriter} (blktap's
 * layout), at a steady rate, and obeys the live migration's hooks as tapdisk obeys
 * {@code tap-ctl pause}/{@code unpause} and a VM its shutdown:
 * <ul>
 *   <li>{@code pause}: closes the leaf (its BAT, bitmaps and footers written), answers, and waits;</li>
 *   <li>{@code unpause}: reopens the leaf by its name (by then a new differencing child) and goes on;</li>
 *   <li>{@code stop}: closes the leaf and ends.</li>
 * </ul>
 * The hooks reach it through files in a control directory ({@link #hookCommand} is the shell
 * command for {@code --reopen-hook}, {@code --stop-hook} and {@code --start-hook}): a request file
 * the hook makes, an answer file the writer makes. Time spent paused is not made up afterwards:
 * the rate is over the time it runs.
 *
 * <p>Runs as a thread of the caller ({@link #start}) or as a process of its own ({@link #main}).
 */
public final class LeafWriter implements Runnable {
    static final String PAUSE = "pause";
    static final String PAUSED = "paused";
    static final String STOP = "stop";
    static final String STOPPED = "stopped";
    static final String READY = "ready";
    /** How often the control files are looked at. */
    private static final long POLL_NANOS = 2_000_000L;

    private final Path leaf;
    private final long rate;
    private final int writeSize;
    private final Path control;
    private final long seed;
    private final long flushMillis;
    private volatile long written;
    private final List<Long> pauses = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile Throwable failure;

    /**
     * @param leaf        the VDI's file, {@code UUID.vhd}
     * @param rate        bytes per second while running
     * @param writeSize   bytes per write, a multiple of 512
     * @param control     the control directory the hooks use (created)
     * @param seed        for the offsets and data
     * @param flushMillis close and reopen the leaf this often, so its metadata reaches the file as
     *                    tapdisk's does (a plan's sample sees the growth); 0: only when paused
     */
    public LeafWriter(Path leaf, long rate, int writeSize, Path control, long seed, long flushMillis) {
        if (rate < 0 || writeSize <= 0 || writeSize % 512 != 0 || flushMillis < 0) {
            throw new IllegalArgumentException("rate >= 0, write size a positive multiple of 512, flush >= 0");
        }
        this.leaf = leaf;
        this.rate = rate;
        this.writeSize = writeSize;
        this.control = control;
        this.seed = seed;
        this.flushMillis = flushMillis;
    }

    /** Starts it as a daemon thread; returns once it is writing. */
    public Thread start() throws IOException, InterruptedException {
        Files.createDirectories(control);
        Thread t = new Thread(this, "leaf-writer");
        t.setDaemon(true);
        t.start();
        while (!Files.exists(control.resolve(READY)) && t.isAlive()) {
            Thread.sleep(1);
        }
        return t;
    }

    /** Bytes written so far. */
    public long written() {
        return written;
    }

    /** Bytes written before each pause so far, in order: what each frozen state holds. */
    public List<Long> writtenAtPauses() {
        synchronized (pauses) {
            return List.copyOf(pauses);
        }
    }

    /** What ended the writer other than a stop, or null. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (Throwable e) {
            failure = e;
            try {
                Files.writeString(control.resolve(STOPPED), "failed: " + e, StandardCharsets.UTF_8);
            } catch (IOException ignored) {
                // The failure field says it.
            }
        }
    }

    private void loop() throws IOException, InterruptedException {
        Files.createDirectories(control);
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[writeSize];
        org.smapimigrate.vhd.VhdWriter w = org.smapimigrate.vhd.VhdWriter.open(leaf);
        long sectors = w.size() / writeSize;
        Files.writeString(control.resolve(READY), Long.toString(ProcessHandle.current().pid()));
        long runningNanos = 0;
        long mark = System.nanoTime();
        long lastFlush = mark;
        long lastPoll = 0;
        try {
            while (true) {
                long now = System.nanoTime();
                runningNanos += now - mark;
                mark = now;
                if (now - lastPoll >= POLL_NANOS) {
                    lastPoll = now;
                    if (Files.exists(control.resolve(STOP))) {
                        break;
                    }
                    if (Files.exists(control.resolve(PAUSE))) {
                        w.close();
                        w = null;
                        pauses.add(written);
                        Files.writeString(control.resolve(PAUSED), Long.toString(written));
                        while (Files.exists(control.resolve(PAUSE)) && !Files.exists(control.resolve(STOP))) {
                            Thread.sleep(1);
                        }
                        if (Files.exists(control.resolve(STOP))) {
                            Files.delete(control.resolve(PAUSED));
                            break;
                        }
                        w = org.smapimigrate.vhd.VhdWriter.open(leaf); // the new leaf, by its name
                        Files.delete(control.resolve(PAUSED));
                        mark = System.nanoTime();
                        lastFlush = mark;
                        continue;
                    }
                }
                if (flushMillis > 0 && now - lastFlush >= flushMillis * 1_000_000L) {
                    w.close();
                    w = org.smapimigrate.vhd.VhdWriter.open(leaf);
                    lastFlush = System.nanoTime();
                }
                if (written + writeSize <= rate * (runningNanos / 1e9)) {
                    random.nextBytes(data);
                    w.write(random.nextLong(sectors) * writeSize, data);
                    written += writeSize;
                } else {
                    Thread.sleep(0, 200_000);
                }
            }
        } finally {
            if (w != null) {
                w.close();
            }
        }
        Files.writeString(control.resolve(STOPPED), Long.toString(written));
    }

    /**
     * The shell command for the local controller's {@code --reopen-hook}, {@code --stop-hook} and
     * {@code --start-hook} ({@code SMAPI_MIGRATE_ACTION} says which): it makes the request file and
     * waits for the writer's answer. {@code start} only records the time: the "VM" restarted on the
     * new disk is not this writer.
     */
    public static String hookCommand(Path control) {
        String c = quote(control.toAbsolutePath().toString());
        return "c=" + c + "; case \"$SMAPI_MIGRATE_ACTION\" in"
                + " pause) : > \"$c/" + PAUSE + "\"; while [ ! -e \"$c/" + PAUSED + "\" ] && [ ! -e \"$c/" + STOPPED
                + "\" ]; do sleep 0.002; done;;"
                + " unpause) rm -f \"$c/" + PAUSE + "\"; while [ -e \"$c/" + PAUSED + "\" ]; do sleep 0.002; done;;"
                + " stop|force-stop) : > \"$c/" + STOP + "\"; while [ ! -e \"$c/" + STOPPED
                + "\" ]; do sleep 0.002; done;;"
                + " start) date +%s.%N > \"$c/started\";;"
                + " *) echo \"unknown action $SMAPI_MIGRATE_ACTION\" >&2; exit 2;; esac";
    }

    /** A single-quoted shell word. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The command line that runs {@link #main} in a new JVM with this one's class path. */
    public static List<String> processCommand(Path leaf, long rate, int writeSize, Path control, long seed,
                                              long flushMillis) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx128m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(LeafWriter.class.getName());
        cmd.addAll(List.of(leaf.toString(), Long.toString(rate), Integer.toString(writeSize), control.toString(),
                Long.toString(seed), Long.toString(flushMillis)));
        return cmd;
    }

    /** {@code LeafWriter LEAF RATE WRITE_SIZE CONTROL_DIR SEED FLUSH_MILLIS}: writes until stopped. */
    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: LeafWriter LEAF RATE WRITE_SIZE CONTROL_DIR SEED FLUSH_MILLIS");
            System.exit(2);
        }
        LeafWriter w = new LeafWriter(Path.of(args[0]), Long.parseLong(args[1]), Integer.parseInt(args[2]),
                Path.of(args[3]), Long.parseLong(args[4]), Long.parseLong(args[5]));
        Files.createDirectories(w.control);
        w.run();
        if (w.failure != null) {
            w.failure.printStackTrace();
            System.exit(1);
        }
    }
}
