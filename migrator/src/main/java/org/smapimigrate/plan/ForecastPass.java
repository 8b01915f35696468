package org.smapimigrate.plan;

/**
 * One pass of a live forecast.
 *
 * @param pass    0 for the whole frozen disk, then 1, 2, ...
 * @param bytes   what it copies: pass 0 the allocated bytes, later passes what the VM wrote during
 *                the pass before
 * @param seconds its copy at the plan's rate plus the pass overhead
 */
public record ForecastPass(int pass, long bytes, double seconds) {
}
