package org.smapimigrate.chain;

import java.io.IOException;
import org.smapimigrate.vhd.VhdImage;

/**
 * Finds the parent of a differencing VHD. File SRs follow the parent locators inside the SR
 * directory; LVHD SRs map names to logical volumes. {@link VhdChain} does the rest: it opens the
 * returned container as a VHD (or reads it raw when the child's {@code prt_uuid} is all zeros),
 * checks the parent's footer uuid and detects cycles by {@link ParentContainer#key()}.
 */
public interface ParentResolver {

    /**
     * Opens the container holding {@code child}'s parent. The chain owns the returned container.
     *
     * @param child    a differencing image
     * @param childKey the key this resolver (or the chain's opener) gave the child
     * @throws org.smapimigrate.disk.ImageDefectException {@code missing-parent} when no locator
     *         leads to an existing parent (also when there is no usable locator at all),
     *         {@code locator-escape} when the only candidates lie outside the SR
     */
    ParentContainer openParent(VhdImage child, String childKey) throws IOException;
}
