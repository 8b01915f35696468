package org.smapimigrate.migrate;

import java.util.function.LongSupplier;

/** Where a migration reports its phases (copy, read-back) so that a CLI can draw a bar for each. */
@FunctionalInterface
public interface MigrationProgress {
    MigrationProgress NONE = (task, total, done) -> () -> { };

    /** A phase of {@code total} bytes starts; {@code done} can be polled; close the result when it ends. */
    Phase phase(String task, long total, LongSupplier done);

    /** A running phase; closing it ends its display. */
    interface Phase extends AutoCloseable {
        @Override
        void close();
    }
}
