package org.smapimigrate.live;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.smapimigrate.vhd.VhdWriter;

/**
 * The writer of a live test, run as a process of its own: plays the VM's tapdisk on the active
 * leaf of a file-SR VDI, writing random sectors (1 to 16 of them, a random byte pattern each, at a
 * random sector) through our {@link VhdWriter} at a steady rate, and honouring the control the
 * hooks give it as tap-ctl would:
 * <ul>
 *   <li>{@code CTL/request} {@code pause}: closes the leaf (its BAT and footer on disk), says
 *       {@code paused} in {@code CTL/state}, waits;</li>
 *   <li>{@code run}: reopens the leaf by its name (after a snapshot a new, empty child), says
 *       {@code running};</li>
 *   <li>{@code stop}: closes the leaf, says {@code stopped}, exits.</li>
 * </ul>
 * Every write is logged to {@code CTL/writes.log} after it is done, in order ({@code W offset
 * length pattern}), and every pause as a line {@code P}, so that the test can replay exactly what
 * was written, with qemu-io, and knows which writes came before which snapshot.
 *
 * <p>Arguments: leaf path, control directory, writes per second, seed.
 */
public final class LeafWriterProcess {
    private LeafWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path leaf = Path.of(args[0]);
        Path ctl = Path.of(args[1]);
        int perSecond = Integer.parseInt(args[2]);
        Random rnd = new Random(Long.parseLong(args[3]));
        long periodNanos = 1_000_000_000L / perSecond;
        try (BufferedWriter log = Files.newBufferedWriter(ctl.resolve("writes.log"), StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            VhdWriter w = VhdWriter.open(leaf);
            long sectors = w.size() / 512;
            say(ctl, "running");
            long next = System.nanoTime();
            while (true) {
                String request = request(ctl);
                if (request.equals("pause") || request.equals("stop")) {
                    w.close();
                    log.write("P\n");
                    log.flush();
                    if (request.equals("stop")) {
                        say(ctl, "stopped");
                        return;
                    }
                    say(ctl, "paused");
                    while (request(ctl).equals("pause")) {
                        Thread.sleep(1);
                    }
                    if (request(ctl).equals("stop")) {
                        say(ctl, "stopped");
                        return;
                    }
                    w = VhdWriter.open(leaf);
                    say(ctl, "running");
                    next = System.nanoTime();
                    continue;
                }
                int len = 1 + rnd.nextInt(16);
                long at = rnd.nextLong(sectors - len) * 512;
                int pattern = 1 + rnd.nextInt(255);
                byte[] data = new byte[len * 512];
                Arrays.fill(data, (byte) pattern);
                w.write(at, data);
                log.write("W " + at + " " + data.length + " " + pattern + "\n");
                log.flush();
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
    }

    private static String request(Path ctl) throws IOException {
        try {
            return Files.readString(ctl.resolve("request")).strip();
        } catch (java.nio.file.NoSuchFileException e) {
            return "run";
        }
    }

    private static void say(Path ctl, String state) throws IOException {
        Path tmp = ctl.resolve("state.tmp");
        Files.writeString(tmp, state + "\n");
        Files.move(tmp, ctl.resolve("state"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
