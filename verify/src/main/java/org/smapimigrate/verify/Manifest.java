package org.smapimigrate.verify;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What a migration wrote down about one disk, so that the target can be checked again later
 * ({@code smapi-migrate verify --manifest}): where it came from, where it went, and its digest.
 *
 * @param format       {@value #FORMAT}
 * @param tool         the smapi-migrate version that wrote it
 * @param started      ISO-8601 instant the copy started
 * @param finished     ISO-8601 instant the target was verified
 * @param source       the SMAPIv1 side
 * @param target       the SMAPIv3 side, enough to attach the volume again
 * @param digest       the source's digest, computed while copying
 * @param verification the read-back of the target
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(String format, String tool, String started, String finished, Source source, Target target,
                       DiskDigest digest, Verification verification) {
    public static final String FORMAT = "smapi-migrate-manifest/1";

    /**
     * @param srPath      the SR directory, or the PVs of an LVM SR
     * @param srType      {@code file}, {@code lvm}, ...
     * @param srUuid      SR uuid when known
     * @param vdiUuid     the VDI uuid
     * @param vdiName     its name (MGT name on LVM SRs) or null
     * @param role        user, raw, base-copy, hidden-leaf
     * @param virtualSize bytes
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(String srPath, String srType, String srUuid, String vdiUuid, String vdiName, String role,
                        long virtualSize) {
    }

    /**
     * @param pluginRoot      root of the plugin tree ({@code volume/}, {@code datapath/})
     * @param volumePlugin    the volume plugin's directory name
     * @param srConfiguration the configuration SR.attach takes
     * @param sr              the SR string SR.attach returned when the copy ran
     * @param volumeKey       the volume's key (stable)
     * @param volumeUuid      the volume's uuid, when the plugin gives one
     * @param volumeName      the name given to the volume
     * @param virtualSize     the volume's size in bytes (at least the source's)
     * @param uri             the URI whose datapath was used
     * @param implementation  what the datapath handed out, e.g. {@code File /srv/sr/x.raw}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Target(String pluginRoot, String volumePlugin, Map<String, String> srConfiguration, String sr,
                         String volumeKey, String volumeUuid, String volumeName, long virtualSize, String uri,
                         String implementation) {
    }

    /**
     * @param result           {@code match} or {@code mismatch}
     * @param checkedAt        ISO-8601 instant
     * @param targetWhole      the whole value of the target as read back, by {@code method}
     * @param mismatchedBlocks how many 2 MiB blocks differ
     * @param detail           {@link DigestComparison#describe()}
     * @param method           how the target was read back: {@value DiskDigest#ALGORITHM} (its digest
     *                         compared with the source's) or {@value BlockChecks#ALGORITHM} (its block
     *                         checks compared with those the copy computed from the source's bytes,
     *                         see {@link BlockChecks}); absent in manifests older than the field, which
     *                         all used the digest
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Verification(String result, String checkedAt, String targetWhole, long mismatchedBlocks,
                               String detail, String method) {
        public Verification(String result, String checkedAt, String targetWhole, long mismatchedBlocks,
                            String detail) {
            this(result, checkedAt, targetWhole, mismatchedBlocks, detail, DiskDigest.ALGORITHM);
        }

        public static Verification of(DigestComparison c, DiskDigest target, String checkedAt) {
            return new Verification(c.matches() ? "match" : "mismatch", checkedAt, target.whole(),
                    c.mismatchedBlocks(), c.describe(), DiskDigest.ALGORITHM);
        }

        /** The target read back by its block checks (the manifest's digest is the source's, taken while copying). */
        public static Verification of(DigestComparison c, BlockChecks target, String checkedAt) {
            return new Verification(c.matches() ? "match" : "mismatch", checkedAt, target.whole(),
                    c.mismatchedBlocks(), c.describe(), BlockChecks.ALGORITHM);
        }

        public boolean matches() {
            return "match".equals(result);
        }
    }
}
