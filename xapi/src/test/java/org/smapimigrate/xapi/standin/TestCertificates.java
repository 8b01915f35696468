package org.smapimigrate.xapi.standin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * TLS material for the stand-in, made by openssl (a third-party tool, so our client's checks meet
 * certificates it did not make): a CA, and host certificates signed by it for 127.0.0.1,
 * 127.0.0.2 and localhost (like a pool whose certificates an admin had issued), or self-signed
 * (like XAPI's default certificate). Each one is a PKCS#12 key store for the server and a PEM
 * file for the client.
 */
public final class TestCertificates {
    private static final String PASS = "stand-in";

    /** One host identity: its certificate PEM and a server SSLContext; {@code issuerPem} is its CA's, null when self-signed. */
    public record Identity(Path certificatePem, Path keyStore, X509Certificate certificate, Path issuerPem) {
        public SSLContext serverContext() {
            try (InputStream in = Files.newInputStream(keyStore)) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(in, PASS.toCharArray());
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, PASS.toCharArray());
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(kmf.getKeyManagers(), null, null);
                return ctx;
            } catch (IOException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException("cannot load " + keyStore + ": " + e.getMessage(), e);
            }
        }

        /** The private key beside the certificate (openssl's PEM, unencrypted), for servers such as qemu-nbd. */
        public Path keyPem() {
            String n = certificatePem.getFileName().toString();
            return certificatePem.resolveSibling(n.substring(0, n.length() - ".pem".length()) + ".key");
        }

        public String pem() {
            try {
                return Files.readString(certificatePem);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final Path dir;
    private final Path caPem;
    private final Path caKey;
    private int serial;

    private TestCertificates(Path dir) throws IOException {
        this.dir = dir;
        this.caPem = dir.resolve("ca.pem");
        this.caKey = dir.resolve("ca.key");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", caKey.toString(), "-out", caPem.toString(), "-days", "2", "-subj", "/CN=stand-in pool CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    /** A new CA in {@code dir} (which must exist). */
    public static TestCertificates create(Path dir) throws IOException {
        return new TestCertificates(dir);
    }

    public Path caPem() {
        return caPem;
    }

    /** A host certificate signed by this CA, for 127.0.0.1, 127.0.0.2 and localhost. */
    public Identity signedHost(String name) throws IOException {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path pem = dir.resolve(name + ".pem");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost\n");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(),
                "-out", csr.toString(), "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caPem.toString(), "-CAkey", caKey.toString(),
                "-set_serial", String.valueOf(++serial + 1000), "-days", "2", "-out", pem.toString(),
                "-extfile", ext.toString());
        return identity(name, key, pem, caPem);
    }

    /** A self-signed host certificate, as XAPI makes by default. */
    public Identity selfSigned(String name) throws IOException {
        Path key = dir.resolve(name + ".key");
        Path pem = dir.resolve(name + ".pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                key.toString(), "-out", pem.toString(), "-days", "2", "-subj", "/CN=" + name,
                "-addext", "subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost");
        return identity(name, key, pem, null);
    }

    /** The SHA-256 fingerprint of a certificate as openssl prints it ("AB:CD:..."). */
    public static String opensslFingerprint(Path pem) throws IOException {
        String out = openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", pem.toString());
        int eq = out.indexOf('=');
        return out.substring(eq + 1).strip();
    }

    private Identity identity(String name, Path key, Path pem, Path issuer) throws IOException {
        Path p12 = dir.resolve(name + ".p12");
        openssl("pkcs12", "-export", "-inkey", key.toString(), "-in", pem.toString(), "-out", p12.toString(),
                "-passout", "pass:" + PASS, "-name", name);
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return new Identity(pem, p12, cert, issuer);
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(e);
        }
    }

    private static String openssl(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("openssl is needed to make the stand-in's TLS certificates: apt-get install openssl", e);
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
