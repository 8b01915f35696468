package org.smapimigrate.nbd.server;

import org.smapimigrate.nbd.Transport;

/**
 * What negotiation agreed, handed to the transmission phase.
 *
 * @param export            the export chosen by NBD_OPT_GO or NBD_OPT_EXPORT_NAME
 * @param transport         the stream to continue on (a TLS one after STARTTLS)
 * @param structuredReplies NBD_OPT_STRUCTURED_REPLY was acknowledged
 * @param baseAllocation    base:allocation was selected for this export by SET_META_CONTEXT
 * @param flags             the transmission flags sent to the client
 */
record Session(NbdExport export, Transport transport, boolean structuredReplies, boolean baseAllocation,
        int flags) {
}
