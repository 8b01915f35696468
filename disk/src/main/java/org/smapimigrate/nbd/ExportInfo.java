package org.smapimigrate.nbd;

/**
 * What negotiation established about an export.
 *
 * @param name              the export name the client asked for
 * @param size              export size in bytes
 * @param flags             transmission flags
 * @param blockSizes        block size constraints (advertised or the defaults)
 * @param structuredReplies true when NBD_OPT_STRUCTURED_REPLY was acknowledged
 * @param baseAllocationId  the server's id for the base:allocation meta context, or -1 if none
 *                          was negotiated (then block status is unavailable)
 * @param description       NBD_INFO_DESCRIPTION, or ""
 * @param negotiatedBy      NBD_OPT_GO, NBD_OPT_INFO or NBD_OPT_EXPORT_NAME (the fallback)
 */
public record ExportInfo(String name, long size, TransmissionFlags flags, BlockSizeConstraints blockSizes,
        boolean structuredReplies, long baseAllocationId, String description, String negotiatedBy) {

    /** True when BLOCK_STATUS with base:allocation can be sent. */
    public boolean canBlockStatus() {
        return structuredReplies && baseAllocationId >= 0;
    }
}
