package org.smapimigrate.nbd.server;

/** What a server tells its owner about connections; called from connection threads. */
public interface ServerEvents {

    /** A connection ended (any way); one call per connection. */
    void connectionEnded(ConnectionSummary summary);

    /** Ignores everything. */
    ServerEvents NONE = summary -> { };
}
