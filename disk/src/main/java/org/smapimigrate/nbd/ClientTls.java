package org.smapimigrate.nbd;

import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.smapimigrate.nbd.tls.TlsCredentials;
import org.smapimigrate.nbd.tls.TlsTransport;

/**
 * The client's TLS for nbds:// URIs (docs/nbd-protocol.md §3, §4): certificates from a directory
 * in qemu's layout (ca-cert.pem, optional client-cert.pem/client-key.pem), the server's
 * certificate checked against the CA and the host name (the URI's host, its tls-hostname
 * parameter, or "localhost" for a UNIX socket, as libnbd does), unless tls-verify-peer=false.
 */
final class ClientTls {
    private ClientTls() {
    }

    /** Null for a plain URI. */
    static Handshake.TlsUpgrade upgradeFor(NbdUri uri, Path tlsDir) throws NbdException {
        if (!uri.tls()) {
            return null;
        }
        Path dir = tlsDir != null ? tlsDir : uri.tlsCertificates() != null ? Path.of(uri.tlsCertificates()) : null;
        if (dir == null && uri.tlsVerifyPeer()) {
            throw NbdException.local(uri.describe(), NbdException.TLS_NOT_SUPPORTED, "an nbds:// URI needs the CA "
                    + "certificate: give --tls-certs DIR (or ?tls-certificates=DIR) with DIR/ca-cert.pem");
        }
        SSLContext context;
        try {
            context = dir == null ? TlsCredentials.client(Path.of("/nonexistent"), false)
                    : TlsCredentials.client(dir, uri.tlsVerifyPeer());
        } catch (IOException e) {
            throw NbdException.local(uri.describe(), NbdException.TLS_FAILED, e.getMessage(), e);
        }
        String host = !uri.tlsVerifyPeer() ? null
                : uri.tlsHostname() != null ? uri.tlsHostname() : uri.isUnix() ? "localhost" : uri.host();
        return plain -> {
            if (!(plain instanceof SocketTransport s)) {
                throw new IOException("TLS needs a socket transport");
            }
            return TlsTransport.connect(s.channel(), s.takeBuffered(), context, host);
        };
    }

    /**
     * TLS with a context the caller built (e.g. one that trusts exactly the certificate XAPI's
     * {@code VDI.get_nbd_info} returned); {@code host} is checked against the certificate by RFC 2818
     * rules unless null.
     */
    static Handshake.TlsUpgrade upgradeWith(SSLContext context, String host) {
        return plain -> {
            if (!(plain instanceof SocketTransport s)) {
                throw new IOException("TLS needs a socket transport");
            }
            return TlsTransport.connect(s.channel(), s.takeBuffered(), context, host);
        };
    }
}
