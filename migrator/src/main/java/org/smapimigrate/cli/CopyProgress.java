package org.smapimigrate.cli;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.smapimigrate.migrate.MigrationProgress;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar in MiB with rate and ETA on standard error, polling a byte counter so the copy's
 * hot path never touches it. Off when standard error is not a terminal (scripts, CI, pipes).
 */
final class CopyProgress implements AutoCloseable {
    private final ProgressBar bar;
    private final ScheduledExecutorService poller;
    private final LongSupplier done;

    private CopyProgress(ProgressBar bar, LongSupplier done, Supplier<String> message) {
        this.bar = bar;
        this.done = done;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleAtFixedRate(() -> {
            bar.stepTo(done.getAsLong());
            String m = message.get();
            bar.setExtraMessage(m == null ? "" : m);
        }, 200, 200, TimeUnit.MILLISECONDS);
    }

    /** Starts a bar, or returns a no-op when {@code enabled} is false or there is no terminal. */
    static AutoCloseable start(String task, long totalBytes, LongSupplier done, boolean enabled) {
        return start(task, totalBytes, 0, done, enabled, () -> null);
    }

    /**
     * A bar that also shows {@code message} (the step running, say), polled with the byte counter.
     * {@code before} bytes were done by earlier runs: the bar starts there, and its rate and ETA
     * count only what this run adds. The message is cut or padded to one width so the bar itself
     * never changes length as steps change.
     */
    static AutoCloseable start(String task, long totalBytes, long before, LongSupplier done, boolean enabled,
                               Supplier<String> message) {
        if (!enabled || System.console() == null) {
            return () -> { };
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(totalBytes)
                .startsFrom(before, Duration.ZERO)
                .setUnit(" MiB", 1 << 20)
                .showSpeed()
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
                .setMaxRenderedLength(100)
                .setUpdateIntervalMillis((int) Duration.ofMillis(200).toMillis())
                .continuousUpdate()
                .build();
        return new CopyProgress(bar, done, () -> fixedWidth(message.get()));
    }

    static final int MESSAGE_WIDTH = 24;

    static String fixedWidth(String m) {
        String s = m == null ? "" : m;
        return s.length() > MESSAGE_WIDTH ? s.substring(0, MESSAGE_WIDTH - 1) + "…"
                : s + " ".repeat(MESSAGE_WIDTH - s.length());
    }

    /** A progress bar per phase (off without a terminal), or none, for commands that copy or read. */
    static MigrationProgress bars(boolean enabled) {
        return (task, total, done) -> {
            AutoCloseable bar = start(task, total, done, enabled);
            return () -> {
                try {
                    bar.close();
                } catch (Exception e) {
                    // A progress bar that cannot close must not fail the work.
                }
            };
        };
    }

    @Override
    public void close() {
        poller.shutdownNow();
        bar.stepTo(done.getAsLong());
        bar.close();
    }
}
