package org.smapimigrate.xapi.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the pool's TLS certificate is trusted. XAPI's certificate is self-signed by default
 * (xapi-integration.md section 1), so there are three ways:
 * <ul>
 * <li>{@link #pinned}: the leaf certificate's SHA-256 fingerprint must be one of the pinned ones
 *     (the name in it is not checked: the pin is stronger than a name);</li>
 * <li>{@link #caFile}: the chain must verify (PKIX, with host name check) against the
 *     certificates of a PEM file;</li>
 * <li>{@link #system}: the JDK's default trust store.</li>
 * </ul>
 * A refused certificate's fingerprint is remembered, so the error can print it and a person can
 * decide to pin it after checking it on the host ({@code openssl x509 -noout -fingerprint -sha256
 * -in /etc/xensource/xapi-ssl.pem}).
 */
public final class TlsTrust {
    private final Set<CertificateFingerprint> pins;
    private final X509ExtendedTrustManager pkix;
    private final String description;
    private volatile CertificateFingerprint lastRefused;
    private volatile String lastReason;

    private TlsTrust(Set<CertificateFingerprint> pins, X509ExtendedTrustManager pkix, String description) {
        this.pins = pins;
        this.pkix = pkix;
        this.description = description;
    }

    public static TlsTrust pinned(CertificateFingerprint fingerprint) {
        Set<CertificateFingerprint> pins = ConcurrentHashMap.newKeySet();
        pins.add(fingerprint);
        return new TlsTrust(pins, null, "pinned SHA-256 fingerprint " + fingerprint);
    }

    public static TlsTrust caFile(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException("CA file " + pem + " holds no PEM certificate");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            return new TlsTrust(Set.of(), pkixOf(ks), "CA file " + pem);
        } catch (GeneralSecurityException e) {
            throw new IOException("CA file " + pem + " is not readable as PEM certificates: " + e.getMessage(), e);
        }
    }

    public static TlsTrust system() {
        try {
            return new TlsTrust(Set.of(), pkixOf(null), "the system trust store");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no default trust store: " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager pkixOf(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509ExtendedTrustManager in " + tmf.getAlgorithm());
    }

    /**
     * Also trusts {@code fingerprint} (when pinning): the master's, as a pool member vouched for it
     * in the {@code x-xenapi-response-host-certificate-thumbprint} header of a HOST_IS_SLAVE answer
     * to a connection already verified by the pin (xapi-integration.md section 1, "Login").
     */
    public void alsoPin(CertificateFingerprint fingerprint) {
        if (isPinning()) {
            pins.add(fingerprint);
        }
    }

    public boolean isPinning() {
        return pkix == null;
    }

    /** The fingerprint of the last certificate this trust refused, if any. */
    public CertificateFingerprint lastRefused() {
        return lastRefused;
    }

    void forgetRefusal() {
        lastRefused = null;
        lastReason = null;
    }

    public String lastReason() {
        return lastReason;
    }

    public String describe() {
        return description;
    }

    public SSLContext sslContext() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new Checker()}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private void check(X509Certificate[] chain, String authType, SSLEngine engine, Socket socket)
            throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        CertificateFingerprint fp = CertificateFingerprint.of(chain[0]);
        if (pkix == null) {
            if (!pins.contains(fp)) {
                refuse(fp, "its SHA-256 fingerprint is not the pinned one");
            }
            return;
        }
        try {
            if (engine != null) {
                pkix.checkServerTrusted(chain, authType, engine);
            } else if (socket != null) {
                pkix.checkServerTrusted(chain, authType, socket);
            } else {
                pkix.checkServerTrusted(chain, authType);
            }
        } catch (CertificateException e) {
            refuse(fp, "it does not verify against " + description + " (" + e.getMessage() + ")");
        }
    }

    private void refuse(CertificateFingerprint fp, String reason) throws CertificateException {
        lastRefused = fp;
        lastReason = reason;
        throw new CertificateException("certificate with SHA-256 fingerprint " + fp + " refused: " + reason);
    }

    private final class Checker extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, authType, engine, null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, authType, null, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType, null, null);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("this trust manager only checks servers");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("this trust manager only checks servers");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this trust manager only checks servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix == null ? new X509Certificate[0] : pkix.getAcceptedIssuers();
        }
    }

}
