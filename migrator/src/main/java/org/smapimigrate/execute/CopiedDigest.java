package org.smapimigrate.execute;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.smapimigrate.plan.CopyExtents;
import org.smapimigrate.plan.CopyScope;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.VerifyVolume;
import org.smapimigrate.verify.BlockChecks;
import org.smapimigrate.verify.DiskDigest;
import org.smapimigrate.verify.ManifestFile;

/**
 * The digest of what a flattened copy wrote, computed from the very buffers it wrote, kept
 * beside the manifests until the volume's verify step uses it: that step then reads only the
 * target back, and the source is read once in the whole migration. A file, not the journal, so
 * that a run resumed between the two steps still has it; the copy step deletes it before it
 * starts and writes it (atomically) only once the copy is complete and flushed, so a file that
 * is there always describes a whole copy. Anything amiss with it (missing, damaged, another
 * plan's) only means the verify step hashes the source itself, as it does for volumes built from
 * several images (a snapshot chain's own-blocks copies), whose copies never see the whole disk.
 *
 * @param plan   the plan's id
 * @param step   the copy step's id
 * @param source the source image
 * @param digest the digest of the {@code digest.size()} bytes written
 * @param checks the block checks of the same bytes, which the verify step compares with the
 *               target's instead of hashing the target again (BlockChecks says why that is
 *               enough); null in files written before them, and then the target is hashed
 */
record CopiedDigest(String plan, String step, String source, DiskDigest digest, BlockChecks checks) {

    /** Where the digest of {@code copy} is kept. */
    static Path fileOf(Path manifestDir, CopyExtents copy) {
        return manifestDir.resolve("copied-" + copy.id().replaceAll("[^A-Za-z0-9._-]", "_") + ".digest.json");
    }

    /**
     * The one copy step whose digest proves {@code verify}: the only copy into its volume, of the
     * whole flattened source it checks; null when the volume is built by several copies.
     */
    static CopyExtents copyProving(Plan plan, VerifyVolume verify) {
        List<CopyExtents> into = plan.steps().stream().filter(s -> s instanceof CopyExtents)
                .map(s -> (CopyExtents) s).filter(c -> c.volume().equals(verify.volume())).toList();
        if (into.size() != 1) {
            return null;
        }
        CopyExtents c = into.get(0);
        boolean whole = c.scope() == CopyScope.FLATTENED_CHAIN && c.source().equals(verify.source())
                && c.sourceSize() == verify.size();
        return whole ? c : null;
    }

    static void forget(Path manifestDir, CopyExtents copy) throws IOException {
        Files.deleteIfExists(fileOf(manifestDir, copy));
    }

    static void write(Path manifestDir, Plan plan, CopyExtents copy, DiskDigest digest, BlockChecks checks)
            throws IOException {
        Path path = fileOf(manifestDir, copy).toAbsolutePath();
        Files.createDirectories(path.getParent());
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ManifestFile.mapper().writeValue(out, new CopiedDigest(plan.id(), copy.id(), copy.source(), digest, checks));
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** What {@code copy} recorded for this plan, or null when there is nothing fit to use. */
    static CopiedDigest read(Path manifestDir, Plan plan, CopyExtents copy) {
        Path path = fileOf(manifestDir, copy);
        CopiedDigest d;
        try {
            d = ManifestFile.mapper().readValue(path.toFile(), CopiedDigest.class);
        } catch (IOException e) {
            return null; // missing (the usual case for a plan without one) or damaged: hash the source
        }
        boolean fits = d != null && d.digest() != null && plan.id().equals(d.plan()) && copy.id().equals(d.step())
                && copy.source().equals(d.source()) && d.digest().size() == copy.sourceSize();
        if (fits && d.checks() != null && d.checks().size() != d.digest().size()) {
            d = new CopiedDigest(d.plan(), d.step(), d.source(), d.digest(), null); // damaged: hash the target
        }
        return fits ? d : null;
    }
}
