package org.smapimigrate.filesr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.chain.ParentContainer;
import org.smapimigrate.chain.ParentResolver;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.vhd.ParentLocator;
import org.smapimigrate.vhd.VhdImage;

/**
 * Resolves parent locators of VHD files the way {@code vhd_find_parent} does (relative to the
 * child's directory, locators tried in slot order, the first existing file wins), but confined to
 * one SR directory: an absolute path, or one that leaves the directory by {@code ..} or through a
 * symbolic link, is refused without anything outside being touched ({@code locator-escape}; see
 * {@link ConfinedPath}). Keys are real paths.
 */
public final class DirectoryParentResolver implements ParentResolver {
    private final Path root;

    /** @param srDirectory the directory no parent may lie outside of */
    public DirectoryParentResolver(Path srDirectory) throws IOException {
        this.root = srDirectory.toRealPath();
    }

    /** The SR directory (real path). */
    public Path root() {
        return root;
    }

    /** The key of a file: its real path. */
    public static String keyOf(Path realPath) {
        return realPath.toString();
    }

    @Override
    public ParentContainer openParent(VhdImage child, String childKey) throws IOException {
        Path parent = locate(child.parentLocators(), child.parentUnicodeName(), Path.of(childKey), child.name());
        return new ParentContainer(RawFileDisk.open(parent), parent.toString(), keyOf(parent));
    }

    /**
     * Where the locators of the image at {@code childReal} lead: the parent's real path, inside
     * the SR directory. Opens nothing.
     *
     * @throws ImageDefectException {@code locator-escape} when every candidate lies outside the SR
     *         directory, else {@code missing-parent}
     */
    public Path locate(List<ParentLocator> locators, String parentName, Path childReal, String childName)
            throws ImageDefectException {
        Path dir = childReal.getParent();
        List<String> missing = new ArrayList<>();
        List<String> escapes = new ArrayList<>();
        for (ParentLocator loc : locators) {
            if (!loc.usable()) {
                continue;
            }
            ConfinedPath.Result r = ConfinedPath.resolve(root, dir, loc.path());
            switch (r.outcome()) {
                case ESCAPES -> escapes.add(loc.describe() + " (" + r.detail() + ")");
                case MISSING, INVALID -> missing.add(loc.describe() + " (" + r.detail() + ")");
                case INSIDE -> {
                    if (r.path().equals(root)) {
                        escapes.add(loc.describe() + " (the SR directory itself)");
                    } else if (!Files.isRegularFile(r.path(), LinkOption.NOFOLLOW_LINKS)) {
                        missing.add(loc.describe() + " (not a regular file)");
                    } else {
                        return r.path();
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        String name = parentName == null || parentName.isEmpty() ? "" : " (parent name field: " + parentName + ")";
        if (!escapes.isEmpty() && missing.isEmpty()) {
            throw new ImageDefectException("locator-escape", childName, -1, "the parent locators point outside the"
                    + " SR directory " + root + ": " + String.join(", ", escapes) + name
                    + "; refusing to follow them");
        }
        if (missing.isEmpty()) {
            throw new ImageDefectException("missing-parent", childName, -1, "the differencing disk has no usable"
                    + " parent locator" + name + "; its parent cannot be found");
        }
        throw new ImageDefectException("missing-parent", childName, -1, "parent not found: "
                + String.join(", ", missing) + (escapes.isEmpty() ? "" : "; refused outside the SR: "
                + String.join(", ", escapes)) + name);
    }
}
