package org.smapimigrate.plan;

import java.util.List;

/**
 * Proves a finished volume: the first {@code size} bytes of the target volume must hash the same
 * as the source image read through its chain.
 *
 * @param source     source image uuid whose flattened content the volume must hold
 * @param size       virtual size of {@code source}
 * @param bytes      allocated bytes read on each side (sum over the chain: an upper bound when deeper than one)
 * @param upperBound as in {@link CopyExtents}
 */
public record VerifyVolume(String id, List<String> after, String volume, String source, long size, long bytes,
                           boolean upperBound) implements Step {

    public VerifyVolume {
        after = List.copyOf(after);
    }
}
