package org.smapimigrate.xapi;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import org.smapimigrate.xapi.records.Task;
import org.smapimigrate.xapi.records.XapiClass;
import org.smapimigrate.xapi.wire.TaskResult;

/**
 * Async calls and their tasks (xapi-integration.md section 1 "Async calls and tasks"):
 * {@code Async.<Class>.<message>} answers a task ref at once; the task is polled with
 * {@code task.get_record} (backing off from {@code firstPoll} to {@code maxPoll}) until its status
 * leaves pending, the progress is reported, and then the task is destroyed (else XAPI keeps it
 * for 65 min). A failed task becomes the same {@link XapiException} the synchronous call would
 * have thrown; {@code result} is unwrapped from its XML-RPC fragment.
 */
public final class XapiTasks {
    private final XapiSession session;
    private final Duration firstPoll;
    private final Duration maxPoll;
    private final Duration limit;

    public XapiTasks(XapiSession session) {
        this(session, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofHours(24));
    }

    public XapiTasks(XapiSession session, Duration firstPoll, Duration maxPoll, Duration limit) {
        this.session = session;
        this.firstPoll = firstPoll;
        this.maxPoll = maxPoll;
        this.limit = limit;
    }

    /** Runs {@code Async.<method>} and waits for it; returns the unwrapped result ("" for void). */
    public String run(String method, TaskProgress progress, Object... params) throws IOException {
        String task = session.callForString("Async." + method, params);
        return await(method, task, progress);
    }

    /**
     * Runs {@code Async.<method>} and waits at most {@code within}: then the task is cancelled and
     * {@link XapiTimeoutException} thrown (for calls whose wait is the caller's choice, such as a
     * clean shutdown's timeout).
     */
    public String runWithin(Duration within, String method, TaskProgress progress, Object... params)
            throws IOException {
        String task = session.callForString("Async." + method, params);
        return await(method, task, progress, within, true);
    }

    /** Waits for {@code task} (started by {@code method}), destroys it, and returns its result. */
    public String await(String method, String task, TaskProgress progress) throws IOException {
        return await(method, task, progress, limit, false);
    }

    private String await(String method, String task, TaskProgress progress, Duration limit, boolean typedTimeout)
            throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        long pause = firstPoll.toMillis();
        try {
            while (true) {
                Task t = Task.of(task, session.call("task.get_record", task));
                progress.update(method, Math.max(0, Math.min(1, t.progress())));
                if (!t.isPending()) {
                    return outcome(method, t);
                }
                if (System.nanoTime() > deadline) {
                    cancel(task);
                    if (typedTimeout) {
                        throw new XapiTimeoutException(method, t.uuid(), limit);
                    }
                    throw new XapiConnectionException(method + ": task " + t.uuid() + " still " + t.status()
                            + " after " + limit.toMinutes() + " min; asked XAPI to cancel it", true, null);
                }
                sleep(Math.max(1, Math.min(pause, (deadline - System.nanoTime()) / 1_000_000 + 1)));
                pause = Math.min(maxPoll.toMillis(), pause * 2);
            }
        } finally {
            destroy(task);
        }
    }

    private static String outcome(String method, Task t) throws XapiException {
        switch (t.status().toLowerCase(java.util.Locale.ROOT)) {
            case "success":
                return TaskResult.unwrap(t.result());
            case "failure":
            case "cancelled": {
                List<String> info = t.errorInfo();
                if (info.isEmpty()) {
                    throw new XapiException(method, "cancelled".equalsIgnoreCase(t.status()) ? "TASK_CANCELLED"
                            : "INTERNAL_ERROR", List.of("task " + t.uuid() + " " + t.status() + " without error_info"));
                }
                throw new XapiException(method, info.get(0), info.subList(1, info.size()));
            }
            default:
                throw new XapiException(method, "INTERNAL_ERROR", List.of("task " + t.uuid()
                        + " has unknown status " + t.status()));
        }
    }

    private void cancel(String task) {
        try {
            session.call("task.cancel", task);
        } catch (IOException e) {
            // best effort: the deadline error says what matters
        }
    }

    private void destroy(String task) {
        try {
            session.call("task.destroy", task);
        } catch (IOException e) {
            // best effort: XAPI collects finished tasks after 65 minutes anyway
        }
    }

    private static void sleep(long ms) throws InterruptedIOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a XAPI task");
        }
    }

    /** For callers that read a task themselves. */
    public Task read(String task) throws IOException {
        return new XapiRecords(session).get(XapiClass.TASK, task);
    }
}
