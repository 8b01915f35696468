package org.smapimigrate.xapi.transport;

import org.smapimigrate.xapi.XapiConnectionException;

/**
 * The server's certificate was refused. The message prints its SHA-256 fingerprint and how to
 * trust it after checking it on the host.
 */
public final class UntrustedCertificateException extends XapiConnectionException {
    private final CertificateFingerprint fingerprint;

    public UntrustedCertificateException(String where, CertificateFingerprint fingerprint, String reason, Throwable cause) {
        super("refused the TLS certificate of " + where + " (SHA-256 fingerprint " + fingerprint + "): " + reason
                + "; if that is the pool's certificate (on the host: openssl x509 -noout -fingerprint -sha256 -in"
                + " /etc/xensource/xapi-ssl.pem), pass --xapi-fingerprint " + fingerprint
                + " or its CA with --xapi-ca FILE", false, cause);
        this.fingerprint = fingerprint;
    }

    public CertificateFingerprint fingerprint() {
        return fingerprint;
    }
}
