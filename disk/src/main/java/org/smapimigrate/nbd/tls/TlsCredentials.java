package org.smapimigrate.nbd.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * X.509 credentials from the directory layout qemu's tls-creds-x509 and nbdkit's
 * --tls-certificates read (docs/nbd-protocol.md §3): {@code ca-cert.pem}, {@code server-cert.pem},
 * {@code server-key.pem}, and for a client {@code client-cert.pem}/{@code client-key.pem}
 * (optional). Keys may be PKCS#8, PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY"),
 * unencrypted. Key material never appears in a message: errors name the file only.
 */
public final class TlsCredentials {
    public static final String CA_CERT = "ca-cert.pem";
    public static final String SERVER_CERT = "server-cert.pem";
    public static final String SERVER_KEY = "server-key.pem";
    public static final String CLIENT_CERT = "client-cert.pem";
    public static final String CLIENT_KEY = "client-key.pem";

    private TlsCredentials() {
    }

    /**
     * The server's context: its certificate chain and key; the CA to check client certificates
     * against (needed only with {@code verifyPeer}, used when present).
     */
    public static SSLContext server(Path dir, boolean verifyPeer) throws TlsSetupException {
        Path ca = dir.resolve(CA_CERT);
        requireFile(dir, SERVER_CERT, "the server's certificate");
        requireFile(dir, SERVER_KEY, "the server's private key");
        if (verifyPeer) {
            requireFile(dir, CA_CERT, "the CA that signs client certificates (--tls-verify-peer)");
        }
        KeyStore keys = keyStore(dir.resolve(SERVER_CERT), dir.resolve(SERVER_KEY));
        return context(keys, Files.isRegularFile(ca) ? trustStore(ca) : null, false);
    }

    /**
     * A client's context: trusts the CA in {@code ca-cert.pem} (required unless
     * {@code verifyPeer} is false), presents {@code client-cert.pem} when there is one.
     */
    public static SSLContext client(Path dir, boolean verifyPeer) throws TlsSetupException {
        if (verifyPeer) {
            requireFile(dir, CA_CERT, "the CA that signed the server's certificate");
        }
        KeyStore keys = null;
        if (Files.isRegularFile(dir.resolve(CLIENT_CERT))) {
            requireFile(dir, CLIENT_KEY, "the key of " + CLIENT_CERT);
            keys = keyStore(dir.resolve(CLIENT_CERT), dir.resolve(CLIENT_KEY));
        }
        return context(keys, verifyPeer ? trustStore(dir.resolve(CA_CERT)) : null, !verifyPeer);
    }

    private static SSLContext context(KeyStore keys, KeyStore trust, boolean trustAll) throws TlsSetupException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            javax.net.ssl.KeyManager[] km = null;
            if (keys != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
                km = kmf.getKeyManagers();
            }
            TrustManager[] tm = null;
            if (trustAll) {
                tm = new TrustManager[] {new TrustEverything()};
            } else if (trust != null) {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                tm = tmf.getTrustManagers();
            }
            ctx.init(km, tm, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static void requireFile(Path dir, String name, String what) throws TlsSetupException {
        if (!Files.isDirectory(dir)) {
            throw new TlsSetupException(dir + ": not a directory (the TLS certificate directory holds "
                    + CA_CERT + ", " + SERVER_CERT + ", " + SERVER_KEY + ")");
        }
        if (!Files.isRegularFile(dir.resolve(name))) {
            throw new TlsSetupException(dir.resolve(name) + ": missing (" + what + ")");
        }
    }

    static KeyStore trustStore(Path caFile) throws TlsSetupException {
        List<X509Certificate> cas = certificates(caFile);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                ks.setCertificateEntry("ca" + i, cas.get(i));
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsSetupException(caFile + ": cannot use as a trust store: " + e.getMessage(), e);
        }
    }

    private static KeyStore keyStore(Path certFile, Path keyFile) throws TlsSetupException {
        List<X509Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", key, new char[0], chain.toArray(new Certificate[0]));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsSetupException(keyFile + " does not go with " + certFile + ": " + e.getMessage(), e);
        }
    }

    /** Every certificate in a PEM file, in order (a chain starts with the leaf). */
    static List<X509Certificate> certificates(Path file) throws TlsSetupException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new TlsSetupException(file + ": no PEM certificate in it");
            }
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsSetupException(file + ": not a readable PEM certificate: " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file) throws TlsSetupException {
        Object pem;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            pem = parser.readObject();
        } catch (IOException | RuntimeException e) {
            // The parser's message could quote key bytes: name the file only.
            throw new TlsSetupException(file + ": not a readable PEM private key", null);
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            if (pem instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate(); // PKCS#1 RSA, SEC1 EC
            }
            if (pem instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info); // PKCS#8
            }
        } catch (IOException e) {
            throw new TlsSetupException(file + ": unsupported private key algorithm", null);
        }
        if (pem instanceof PKCS8EncryptedPrivateKeyInfo || pem instanceof org.bouncycastle.openssl.PEMEncryptedKeyPair) {
            throw new TlsSetupException(file + ": the private key is encrypted; store it unencrypted with "
                    + "restricted permissions (openssl pkey -in KEY -out KEY.plain), as qemu-nbd and nbdkit need", null);
        }
        throw new TlsSetupException(file + ": no private key in it (expected a PEM 'PRIVATE KEY', "
                + "'RSA PRIVATE KEY' or 'EC PRIVATE KEY' block)", null);
    }

    /** libnbd's tls-verify-peer=false: encrypted, but the server is not authenticated. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
