package org.smapimigrate.source;

import org.smapimigrate.verify.DiskDigest;

/**
 * A source read as a stream (an XVA, possibly on standard input): reading it again to verify
 * would mean a second pass over the whole archive, or is impossible. It digests each VDI while
 * the copy streams it, from the very bytes the copy wrote, after the archive's own checksums
 * passed; verification compares the target read back against that digest.
 */
public interface StreamedSource {

    /** The digest of VDI {@code uuid} taken while it was streamed completely in this process, or null. */
    DiskDigest streamedDigest(String uuid);
}
