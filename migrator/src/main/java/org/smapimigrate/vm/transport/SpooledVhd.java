package org.smapimigrate.vm.transport;

import java.io.IOException;
import java.nio.file.Path;
import org.smapimigrate.chain.VhdChain;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.vhd.VhdImage;
import org.smapimigrate.verify.DiskDigest;
import org.smapimigrate.verify.DiskHasher;

/**
 * A VHD that XAPI's export handler sent (format=vhd), kept in a local file, read as the disk it
 * describes with the project's own VHD reader. Why a file: XAPI's import needs a Content-Length
 * and a VHD stream's length is only known at its end (xapi-integration.md section 3), and the
 * next layer's delta is computed from it. The file holds the allocated blocks only, so local
 * space and time grow with what is allocated, not with the virtual size.
 */
final class SpooledVhd {
    private SpooledVhd() {
    }

    /** The disk inside {@code file}: a dynamic VHD of exactly {@code virtualSize} bytes, else an error naming {@code what}. */
    static VirtualDisk open(Path file, String what, long virtualSize) throws IOException {
        RawFileDisk container = RawFileDisk.open(file);
        VhdImage image;
        try {
            image = VhdImage.open(container, what);
        } catch (IOException | RuntimeException e) {
            container.close();
            throw e;
        }
        try {
            if (image.isDifferencing()) {
                throw new IOException(what + ": XAPI sent a differencing VHD where a whole disk was asked for");
            }
            if (image.virtualSize() != virtualSize) {
                throw new IOException(what + ": XAPI sent a VHD of " + image.virtualSize() + " bytes for a VDI of "
                        + virtualSize);
            }
            return VhdChain.open(image, file.toString(), (child, key) -> {
                throw new ImageDefectException("missing-parent", what, -1, "a whole-disk export has no parent");
            });
        } catch (IOException | RuntimeException e) {
            image.close();
            throw e;
        }
    }

    /** The content digest (verify's 2 MiB-block SHA-256 digest) of the disk inside {@code file}. */
    static DiskDigest digest(Path file, String what, long virtualSize) throws IOException {
        try (VirtualDisk disk = open(file, what, virtualSize)) {
            return new DiskHasher().digest(disk);
        }
    }
}
