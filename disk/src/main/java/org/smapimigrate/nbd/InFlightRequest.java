package org.smapimigrate.nbd;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * One request sent and not yet answered, found by its cookie when replies arrive (in any order).
 * The reply reader fills it; the sender waits on it.
 */
final class InFlightRequest {
    final long cookie;
    final int command;
    final long offset;
    final int length;
    /** READ: where the data goes, exactly {@code length} bytes from index 0. */
    final ByteBuffer readTarget;
    /** Failures go to the client's sticky asynchronous failure instead of a waiting caller. */
    final boolean async;
    /** Structured READ: which bytes the chunks have covered. */
    final ReadCoverage coverage;
    /** BLOCK_STATUS: the extents of the base:allocation chunk. */
    final List<BlockStatusExtent> extents = new ArrayList<>();
    boolean blockStatusSeen;

    private final CountDownLatch done = new CountDownLatch(1);
    /** First error the server reported for this request; later chunks may still arrive. */
    private NbdException error;

    InFlightRequest(long cookie, int command, long offset, int length, ByteBuffer readTarget, boolean async,
            boolean structured) {
        this.cookie = cookie;
        this.command = command;
        this.offset = offset;
        this.length = length;
        this.readTarget = readTarget;
        this.async = async;
        this.coverage = structured && command == NbdProtocol.CMD_READ ? new ReadCoverage(length) : null;
    }

    String describe() {
        return switch (command) {
            case NbdProtocol.CMD_FLUSH -> NbdProtocol.commandName(command);
            default -> NbdProtocol.commandName(command) + " of " + length + " bytes at offset " + offset;
        };
    }

    /** Keeps the first error; proto.md lets a server send several error chunks for one READ. */
    synchronized void recordError(NbdException e) {
        if (error == null) {
            error = e;
        }
    }

    synchronized NbdException error() {
        return error;
    }

    /** Called once, by whoever completes the request (reply reader, or connection failure). */
    void finish(NbdException failure) {
        if (failure != null) {
            recordError(failure);
        }
        done.countDown();
    }

    boolean isDone() {
        return done.getCount() == 0;
    }

    void await() throws InterruptedException {
        done.await();
    }

    void awaitUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
