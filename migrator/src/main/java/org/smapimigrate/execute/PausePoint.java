package org.smapimigrate.execute;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.smapimigrate.disk.DiskSink;

/**
 * A deliberate stop for the tests that kill a run and resume it: with the system property
 * {@value #PROPERTY} set, the executor announces on standard error that it reached the named
 * point and then waits to be killed. Unset (always, outside those tests), it does nothing.
 *
 * <p>Values: {@code created:STEP} (right after Volume.create, snapshot or clone returned, before
 * any key is set), {@code done:STEP} (the step's work is done but not journaled),
 * {@code vm-POINT:N} (the VM-level run of org.smapimigrate.vm at its Nth change of that kind),
 * {@code journaled:STEP} (right after its journal line), {@code copied:BYTES:STEP} (a copy step
 * has written at least BYTES bytes of data).
 */
public final class PausePoint {
    static final String PROPERTY = "smapi-migrate.test.pause";
    /** What the tests wait for on standard error. */
    static final String ANNOUNCEMENT = "smapi-migrate: test pause: ";

    private final String point;
    private final String step;
    private final long bytes;

    private PausePoint(String point, String step, long bytes) {
        this.point = point;
        this.step = step;
        this.bytes = bytes;
    }

    /** The pause asked for by {@value #PROPERTY}, or null. */
    public static PausePoint configured() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return null;
        }
        String[] p = v.split(":", 2);
        if (p.length == 2 && p[0].equals("copied")) {
            String[] q = p[1].split(":", 2);
            return new PausePoint("copied", q[1], Long.parseLong(q[0]));
        }
        return new PausePoint(p[0], p.length == 2 ? p[1] : "", 0);
    }

    public static void reached(PausePoint pause, String point, String step) {
        if (pause != null && pause.point.equals(point) && pause.step.equals(step)) {
            pause.hold(point + ":" + step);
        }
    }

    /** {@code sink}, pausing once {@code copied} bytes of data have gone into it during {@code step}. */
    static DiskSink watch(PausePoint pause, String step, DiskSink sink) {
        if (pause == null || !pause.point.equals("copied") || !pause.step.equals(step)) {
            return sink;
        }
        return new DiskSink() {
            private long written;

            @Override
            public long size() {
                return sink.size();
            }

            @Override
            public void write(ByteBuffer src, long offset) throws IOException {
                int n = src.remaining();
                sink.write(src, offset);
                written += n;
                if (written >= pause.bytes) {
                    sink.flush();
                    pause.hold("copied:" + written + ":" + step);
                }
            }

            @Override
            public void writeZeroes(long offset, long length) throws IOException {
                sink.writeZeroes(offset, length);
            }

            @Override
            public boolean unwrittenReadsAsZero() {
                return sink.unwrittenReadsAsZero();
            }

            @Override
            public void flush() throws IOException {
                sink.flush();
            }

            @Override
            public String describe() {
                return sink.describe();
            }

            @Override
            public void close() throws IOException {
                sink.close();
            }
        };
    }

    private void hold(String where) {
        System.err.println(ANNOUNCEMENT + where);
        System.err.flush();
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // Only a kill ends the pause.
            }
        }
    }
}
