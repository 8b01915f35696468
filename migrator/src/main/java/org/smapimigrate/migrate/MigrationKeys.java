package org.smapimigrate.migrate;

/**
 * The {@code keys} smapi-migrate writes on the volumes it creates, so that a later run (or a
 * person with {@code SR.ls}) can tell where a volume came from and whether its copy finished.
 * {@code keys} is opaque to plugins (interface doc section 2) and XAPI keeps it.
 */
public final class MigrationKeys {
    /** {@value #INCOMPLETE} from creation until the copy is verified, then {@value #COMPLETE}. */
    public static final String STATE = "smapi-migrate-state";
    public static final String INCOMPLETE = "incomplete";
    public static final String COMPLETE = "complete";
    public static final String SOURCE_SR = "smapi-migrate-source-sr";
    public static final String SOURCE_VDI = "smapi-migrate-source-vdi";
    public static final String SOURCE_ROLE = "smapi-migrate-source-role";
    /** The whole-disk digest ({@link org.smapimigrate.verify.DiskDigest}) of the verified copy. */
    public static final String DIGEST = "smapi-migrate-digest";
    /** What XAPI sets on user disks; an SR scan then shows the volume as an ordinary VDI. */
    public static final String VDI_TYPE = "vdi-type";

    private MigrationKeys() {
    }
}
