package org.smapimigrate.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How fast a case is relative to a reference case, by best times: reference time divided by the
 * case's time, so above 1 means faster than the reference and 0.5 means twice as slow.
 */
public final class Ratios {
    private Ratios() {
    }

    public static double speed(Measured reference, Measured other) {
        return reference.best() / other.best();
    }

    /** The case's time as a multiple of the reference's (2.0: takes twice as long), as the targets put it. */
    public static double timeMultiple(Measured reference, Measured other) {
        return other.best() / reference.best();
    }

    /** {@code 1.96x}, or {@code -} when the reference did not run. */
    public static String speedCell(Optional<Measured> reference, Measured other) {
        return reference.map(r -> String.format(Locale.ROOT, "%.2fx", speed(r, other))).orElse("-");
    }

    public static Optional<Measured> find(List<Measured> all, String name) {
        return all.stream().filter(m -> m.name().equals(name)).findFirst();
    }
}
