package org.smapimigrate.plan;

import java.util.List;

/**
 * Reads source data and writes it into a target volume at the same offsets.
 *
 * @param volume      step id of the target volume
 * @param source      source image uuid (the VDI, or a base copy)
 * @param scope       the whole flattened chain, or only this image's own allocated blocks
 * @param chain       uuids the read goes through, from {@code source} to the root; for
 *                    OWN_BLOCKS just {@code source}
 * @param sourceSize  virtual size of {@code source}; the volume is at least this big when the step runs
 * @param bytes       allocated bytes the step moves (whole 2 MiB blocks; the data moved can be less)
 * @param upperBound  {@code bytes} is a sum over several images whose blocks may overlap, so the
 *                    real figure can be smaller
 */
public record CopyExtents(String id, List<String> after, String volume, String source, CopyScope scope,
                          List<String> chain, long sourceSize, long bytes, boolean upperBound) implements Step {

    public CopyExtents {
        after = List.copyOf(after);
        chain = List.copyOf(chain);
    }
}
