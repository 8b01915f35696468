package org.smapimigrate.lvm;

import java.util.List;

/**
 * A segment of an LV: logical extents {@code [startExtent, startExtent + extentCount)} and where
 * they live. Only {@code striped} segments map straight onto PV extents (one stripe is a linear
 * segment); other types (mirror, raid, thin, ...) point at other LVs and keep no stripes here.
 *
 * @param name        the section name ({@code segment1}); not an order
 * @param type        the segment type as written, {@code +FLAG} suffixes included
 * @param stripeCount areas of a striped segment, else 0
 * @param stripeSize  chunk size in sectors when {@code stripeCount > 1}, else 0
 * @param stripes     the areas of a striped segment, else empty
 */
public record Segment(String name, long startExtent, long extentCount, String type, long stripeCount,
                      long stripeSize, List<StripeArea> stripes) {
    public static final String STRIPED = "striped";

    public Segment {
        stripes = List.copyOf(stripes);
    }

    public boolean isStriped() {
        return STRIPED.equals(type);
    }

    /** One past the last logical extent. */
    public long endExtent() {
        return startExtent + extentCount;
    }
}
