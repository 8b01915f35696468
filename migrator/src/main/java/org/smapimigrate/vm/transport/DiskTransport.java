package org.smapimigrate.vm.transport;

/** How a VM's disk data reaches the target SR and becomes VDIs that XAPI knows (local: plugin + SR.scan; xapi: HTTP handlers). */
public interface DiskTransport {
    /** Copies, verifies and registers every disk (parents before children), returning source VDI uuid -> new VDI uuid.
     *  Idempotent: after a kill, calling it again with the same state directory finishes the work and returns the same map.
     *  Never changes a source VDI. Names, descriptions and snapshot relations are carried; tags/other_config are the caller's. */
    java.util.Map<String, String> move(java.util.List<DiskToMove> disks, java.nio.file.Path stateDir, TransportEvents events) throws java.io.IOException;

    /** After {@link #move}: the verified whole-disk digest of each new VDI by source VDI uuid, where the transport knows it
     *  (it goes into the new VDI's other_config); empty when it does not. */
    default java.util.Map<String, String> digests() {
        return java.util.Map.of();
    }
}
