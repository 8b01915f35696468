package org.smapimigrate.vm.transport;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What has been done for one {@link DiskChain}, kept in the state directory after every change
 * so that a killed run resumes (only uuids: refs change across XAPI restarts, section 1 "Records").
 * Mutable and written whole, atomically, by {@link TransportJournal}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
final class ChainState {
    /** Where a layer is. The working VDI holds a layer's data from IMPORTED on. */
    enum Phase { PENDING, IMPORTED, SNAPSHOTTING, SNAPSHOT_MADE, DONE }

    /** Per layer (source VDI uuid): its phase and the uuid of its copy once there is one. */
    static final class Layer {
        public Phase phase = Phase.PENDING;
        public String copy;
    }

    /** True between asking VDI.create for the working VDI and recording its uuid. */
    public boolean creating;
    /** The uuid of the working VDI: each layer's data goes into it; at the end it is the disk's copy. */
    public String working;
    public Map<String, Layer> layers = new LinkedHashMap<>();

    Layer layer(String sourceUuid) {
        return layers.computeIfAbsent(sourceUuid, k -> new Layer());
    }
}
