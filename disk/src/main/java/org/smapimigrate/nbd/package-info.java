/**
 * An NBD client (NetworkBlockDevice/nbd doc/proto.md), for writing migrated disks into SMAPIv3
 * NBD exports and for reading NBD exports as disks.
 *
 * <ul>
 * <li>{@link org.smapimigrate.nbd.NbdSink} and {@link org.smapimigrate.nbd.NbdDisk}: the
 * {@code DiskSink} / {@code VirtualDisk} faces the rest of the project uses.
 * <li>{@link org.smapimigrate.nbd.NbdClient}: one connection in the transmission phase
 * (pipelined requests, reply reader thread, block status).
 * <li>{@link org.smapimigrate.nbd.Handshake}: the negotiation phase, over any
 * {@link org.smapimigrate.nbd.Transport}; {@link org.smapimigrate.nbd.SocketTransport} is TCP or
 * a UNIX socket.
 * <li>{@link org.smapimigrate.nbd.NbdUri}: nbd://, nbd+unix://, and the nbd:unix:PATH:exportname=
 * form XAPI's SMAPIv3 datapaths return.
 * <li>{@link org.smapimigrate.nbd.NbdException}: every failure, with the protocol's error name and
 * the server's message.
 * <li>TLS: nbds:// URIs negotiate NBD_OPT_STARTTLS ({@code ClientTls}, {@link org.smapimigrate.nbd.tls}).
 * <li>{@link org.smapimigrate.nbd.server}: the read-only server {@code smapi-migrate serve} runs.
 * </ul>
 *
 * <p>Not done: extended headers, several connections per export in the client (CAN_MULTI_CONN).
 */
package org.smapimigrate.nbd;
