package org.smapimigrate.nbd;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a transport whose server has not finished the handshake in time. Socket channels have no
 * read timeout, and a server that accepts but never speaks (a wedged xapi-nbd, a wrong port)
 * would otherwise hang a migration forever. Transmission has no such limit: a slow disk may
 * legitimately take long to answer a large write.
 */
final class HandshakeDeadline implements AutoCloseable {
    /** Generous: real servers answer in milliseconds; this only catches the silent ones. */
    static final long DEFAULT_SECONDS = 60;

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nbd-handshake-deadline");
        t.setDaemon(true);
        return t;
    });

    private final AtomicBoolean expired = new AtomicBoolean();
    private final ScheduledFuture<?> task;
    private final long seconds;

    HandshakeDeadline(Transport transport, long seconds) {
        this.seconds = seconds;
        this.task = TIMER.schedule(() -> {
            expired.set(true);
            try {
                transport.close();
            } catch (IOException ignored) {
                // the handshake thread reports the failure
            }
        }, seconds, TimeUnit.SECONDS);
    }

    /**
     * What to throw for {@code failure}: a CONNECTION_LOST naming the deadline when it fired
     * (the failure is then only the side effect of closing the socket), else {@code failure}.
     */
    IOException explain(IOException failure, String target) {
        if (expired.get()) {
            return NbdException.local(target, NbdException.CONNECTION_LOST, "the server did not finish the NBD "
                    + "handshake within " + seconds + " s; is this an NBD server, and is it healthy?", failure);
        }
        return failure;
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
