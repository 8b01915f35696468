package org.smapimigrate.lvm;

/** One area of a striped segment: {@code "pvN", startPE} in the {@code stripes} list. */
public record StripeArea(String pv, long startExtent) {
}
