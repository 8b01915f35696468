package org.smapimigrate.filesr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.UUID;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.vhd.Finding;
import org.smapimigrate.vhd.ParentLocator;
import org.smapimigrate.vhd.VhdImage;

/**
 * What a scan keeps of one VHD file after closing it: enough to build the SR's tree without
 * holding BATs of every image in memory at once.
 */
final class ImageFacts {
    final Path path;
    final String fileName;
    final Object fileKey;
    /** Why the file cannot be parsed as a VHD, or null. */
    final ImageDefectException openError;
    final UUID uuid;
    final boolean hidden;
    final long virtualSize;
    final long allocatedBytes;
    final boolean differencing;
    final boolean parentRaw;
    final UUID parentUuid;
    final String parentName;
    final List<ParentLocator> locators;
    final List<Finding> findings;
    final boolean encrypted;

    /** Filled by the scan: where the locators lead, or why they lead nowhere. */
    Path parentPath;
    ImageDefectException parentError;

    private ImageFacts(Path path, Object fileKey, ImageDefectException openError, VhdImage img) {
        this.path = path;
        this.fileName = path.getFileName().toString();
        this.fileKey = fileKey;
        this.openError = openError;
        this.uuid = img == null ? null : img.uuid();
        this.hidden = img != null && img.hidden();
        this.virtualSize = img == null ? 0 : img.virtualSize();
        this.allocatedBytes = img == null ? 0 : img.allocatedBytes();
        this.differencing = img != null && img.isDifferencing();
        this.parentRaw = img != null && img.parentIsRaw();
        this.parentUuid = img == null ? null : img.parentUuid();
        this.parentName = img == null ? null : img.parentUnicodeName();
        this.locators = img == null ? List.of() : img.parentLocators();
        this.findings = img == null ? List.of() : img.findings();
        this.encrypted = img != null && img.encrypted();
    }

    /** Opens, reads and closes the VHD file at the real path {@code path}; defects are kept, not thrown. */
    static ImageFacts inspect(Path path) {
        Object key;
        try {
            key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            key = null;
        }
        try (RawFileDisk container = RawFileDisk.open(path)) {
            VhdImage img = VhdImage.open(container, path.toString());
            return new ImageFacts(path, key, null, img);
        } catch (ImageDefectException e) {
            return new ImageFacts(path, key, e, null);
        } catch (IOException e) {
            return new ImageFacts(path, key, new ImageDefectException("unreadable-file", path.toString(), -1,
                    "cannot read the file: " + e.getMessage(), e), null);
        }
    }

    boolean readable() {
        return openError == null;
    }
}
