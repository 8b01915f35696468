package org.smapimigrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.smapimigrate.execute.JournalEntry;
import org.smapimigrate.execute.PlanExecutor;
import org.smapimigrate.execute.RunEvents;
import org.smapimigrate.execute.RunProgress;
import org.smapimigrate.execute.RunSummary;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.Step;

/**
 * {@code migrate --plan --json}: one JSON object per line on standard output, for scripts.
 * Every line has {@code event} and {@code time}; the events are {@code start}, {@code note},
 * {@code step-rechecked}, {@code step-start}, {@code progress} (about every second while a run
 * goes on), {@code step-done} (with bytes and seconds), then {@code done} or {@code failed}.
 */
final class JsonRunEvents implements RunEvents, AutoCloseable {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private final PrintWriter out;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress-events");
        t.setDaemon(true);
        return t;
    });
    private long lastBytes;
    private long lastNanos;

    JsonRunEvents(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void runStarted(Plan plan, int steps, int finishedBefore, RunProgress progress) {
        emit(event("start").with("plan_id", plan.id()).with("steps", steps).with("finished_before", finishedBefore)
                .with("total_bytes", progress.totalBytes()));
        lastBytes = progress.bytesDone();
        lastNanos = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> progress(progress), 1, 1, TimeUnit.SECONDS);
    }

    private void progress(RunProgress p) {
        long bytes = p.bytesDone();
        long nanos = System.nanoTime();
        double rate = nanos == lastNanos ? 0 : (bytes - lastBytes) * 1e9 / (nanos - lastNanos);
        lastBytes = bytes;
        lastNanos = nanos;
        emit(event("progress").with("step", p.currentStep()).with("bytes_done", bytes)
                .with("total_bytes", p.totalBytes()).with("bytes_per_second", Math.round(rate)));
    }

    @Override
    public void note(String message) {
        emit(event("note").with("message", message));
    }

    @Override
    public void stepRechecked(Step step, JournalEntry entry) {
        emit(event("step-rechecked").with("step", step.id()).with("kind", PlanExecutor.kindOf(step)));
    }

    @Override
    public void stepStarted(Step step, int index, int steps) {
        emit(event("step-start").with("step", step.id()).with("kind", PlanExecutor.kindOf(step)).with("index", index)
                .with("steps", steps).with("bytes", step.bytes()));
    }

    @Override
    public void stepDone(Step step, JournalEntry e) {
        emit(event("step-done").with("step", step.id()).with("kind", e.kind()).with("bytes", step.bytes())
                .with("seconds", e.seconds()).with("bytes_read", e.bytesRead()).with("bytes_written", e.bytesWritten())
                .with("zero_bytes", e.zeroBytes()).with("volume_key", e.volumeKey())
                .with("volume_uuid", e.volumeUuid()).with("digest", e.digest()).with("manifest", e.manifest()));
    }

    @Override
    public void runDone(RunSummary s) {
        ticker.shutdownNow();
        Event e = event("done");
        e.putAll(JSON.convertValue(s, Map.class));
        emit(e);
    }

    @Override
    public void runFailed(Step step, Exception failure) {
        ticker.shutdownNow();
        emit(event("failed").with("step", step == null ? null : step.id()).with("error", SmapiMigrate.oneLine(failure)));
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }

    /** One event line under construction; null values are left out. */
    private static final class Event extends LinkedHashMap<String, Object> {
        Event with(String k, Object v) {
            if (v != null) {
                put(k, v);
            }
            return this;
        }
    }

    private static Event event(String name) {
        return new Event().with("event", name).with("time", Instant.now().toString());
    }

    private synchronized void emit(Map<String, Object> e) {
        try {
            out.println(JSON.writeValueAsString(e));
        } catch (JsonProcessingException x) {
            throw new IllegalStateException("an event always serialises", x);
        }
        out.flush();
    }
}
