package org.smapimigrate.plan;

import java.util.List;

/**
 * {@code Volume.resize} (grow only): a child image larger than its parent. The grown range reads
 * as zeros, as a VHD chain reads past a smaller parent's end (smapiv1-layout.md part C, reading a chain).
 *
 * @param forImage source image whose size the volume takes
 */
public record ResizeVolume(String id, List<String> after, String volume, String forImage, long fromSize,
                           long toSize) implements Step {

    public ResizeVolume {
        after = List.copyOf(after);
    }

    @Override
    public long bytes() {
        return 0;
    }
}
