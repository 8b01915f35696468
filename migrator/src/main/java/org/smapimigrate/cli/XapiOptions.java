package org.smapimigrate.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.smapimigrate.xapi.XapiCredentials;
import org.smapimigrate.xapi.XapiEndpoint;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.transport.CertificateFingerprint;
import org.smapimigrate.xapi.transport.TlsTrust;
import picocli.CommandLine.Option;

/**
 * The options that reach a pool through XAPI, declared once for every command that takes them
 * (scan now; plan, migrate and verify with the VM-level migration). The password is never an
 * option value: it would show in {@code ps}.
 */
public final class XapiOptions {
    @Option(names = "--xapi", paramLabel = "URL",
            description = "The pool: https://HOST[:PORT] (a pool member is followed to the master), or "
                    + "unix:/var/lib/xcp/xapi in dom0 (no password needed there).")
    String url;

    @Option(names = "--xapi-user", paramLabel = "USER", defaultValue = XapiCredentials.DEFAULT_USER,
            description = "User to log in as (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--xapi-password-file", paramLabel = "FILE",
            description = "File holding the password on one line. Without it, the password is read from "
                    + "the XAPI_PASSWORD environment variable; it is never taken on the command line.")
    Path passwordFile;

    @Option(names = "--xapi-ca", paramLabel = "FILE",
            description = "Verify the pool's TLS certificate against the CA certificates in this PEM file.")
    Path caFile;

    @Option(names = "--xapi-fingerprint", paramLabel = "SHA256",
            description = "Trust only the certificate with this SHA-256 fingerprint, as 'openssl x509 -noout "
                    + "-fingerprint -sha256 -in /etc/xensource/xapi-ssl.pem' prints it on the host.")
    String fingerprint;

    public boolean given() {
        return url != null;
    }

    /** Logs in; bad option values are usage errors, a refused certificate prints its fingerprint. */
    public XapiSession login() throws IOException {
        if (caFile != null && fingerprint != null) {
            throw new UserError("give --xapi-ca or --xapi-fingerprint, not both");
        }
        TlsTrust trust;
        try {
            trust = fingerprint != null ? TlsTrust.pinned(CertificateFingerprint.parse(fingerprint))
                    : caFile != null ? TlsTrust.caFile(caFile) : TlsTrust.system();
        } catch (IllegalArgumentException e) {
            throw new UserError("--xapi-fingerprint: " + e.getMessage());
        }
        XapiEndpoint endpoint;
        try {
            endpoint = XapiEndpoint.parse(url, trust);
        } catch (IllegalArgumentException e) {
            throw new UserError("--xapi " + e.getMessage());
        }
        XapiCredentials credentials = endpoint.isUnixSocket() && passwordFile == null
                && System.getenv(XapiCredentials.PASSWORD_ENV) == null
                ? XapiCredentials.localRoot()
                : XapiCredentials.resolve(user, passwordFile, System.getenv());
        return XapiSession.login(endpoint, credentials);
    }
}
