package org.smapimigrate.vm.transport;

/** What a {@link DiskTransport} tells its caller while it works. */
public interface TransportEvents {
    void progress(String sourceVdiUuid, long done, long total);

    void note(String line);
}
