package org.smapimigrate.migrate;

import java.util.List;

/**
 * What one VDI's migration did, for the summary line and {@code --json}.
 *
 * @param status         {@code migrated}, or {@code already-migrated} when a verified volume from an
 *                       earlier run was found and kept
 * @param sourceSr       SR uuid (or path when the uuid is unknown)
 * @param vdi            source VDI uuid
 * @param volumeName     the name given to the volume
 * @param virtualSize    bytes
 * @param readBytes      bytes read from the source (allocated data)
 * @param writtenBytes   bytes written to the volume
 * @param zeroBytes      bytes that were holes or zeros and were not written
 * @param targetSr       the SR string of the target
 * @param volumeKey      the new volume's key
 * @param volumeUuid     its uuid (what XAPI will use as the VDI uuid after an SR scan)
 * @param uri            the URI whose datapath was used
 * @param implementation what the datapath handed out
 * @param digest         whole-disk digest ({@link org.smapimigrate.verify.DiskDigest#ALGORITHM})
 * @param verification   {@code match} when the volume read back equals the source
 * @param manifest       path of the manifest written
 * @param seconds        wall time
 * @param notes          things worth knowing (an incomplete leftover removed, keys not supported)
 */
public record MigrationResult(String status, String sourceSr, String vdi, String volumeName, long virtualSize,
                              long readBytes, long writtenBytes, long zeroBytes, String targetSr, String volumeKey,
                              String volumeUuid, String uri, String implementation, String digest,
                              String verification, String manifest, double seconds, List<String> notes) {
}
