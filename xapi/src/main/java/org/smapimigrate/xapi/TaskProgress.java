package org.smapimigrate.xapi;

/** Told a task's progress (0..1) each time it is polled. */
@FunctionalInterface
public interface TaskProgress {
    TaskProgress NONE = (task, fraction) -> { };

    void update(String taskName, double fraction);
}
