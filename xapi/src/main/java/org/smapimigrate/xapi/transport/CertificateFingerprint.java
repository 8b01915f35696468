package org.smapimigrate.xapi.transport;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A certificate's SHA-256 fingerprint, written as {@code openssl x509 -fingerprint -sha256}
 * prints it ({@code AB:CD:...}, 32 bytes). Parsing accepts that form, plain hex, and the prefixes
 * {@code sha256:}, {@code sha-256:}, {@code SHA256 Fingerprint=} (the form XAPI's thumbprint
 * header and openssl use).
 */
public record CertificateFingerprint(String hex) {
    public CertificateFingerprint {
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint: " + hex);
        }
    }

    public static CertificateFingerprint of(X509Certificate cert) {
        try {
            return new CertificateFingerprint(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate: " + e.getMessage(), e);
        }
    }

    /** Parses a fingerprint a person typed; the message says which forms are accepted. */
    public static CertificateFingerprint parse(String text) {
        String s = text.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        for (String prefix : new String[] {"sha256 fingerprint=", "sha256:", "sha-256:", "sha256="}) {
            if (lower.startsWith(prefix)) {
                s = s.substring(prefix.length()).strip();
                break;
            }
        }
        String hex = s.replace(":", "").toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("'" + text + "' is not a SHA-256 certificate fingerprint: give 32 bytes"
                    + " in hex, e.g. as 'openssl x509 -noout -fingerprint -sha256 -in CERT' prints them");
        }
        return new CertificateFingerprint(hex);
    }

    /** {@code AB:CD:...}, upper case with colons. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(95);
        for (int i = 0; i < 64; i += 2) {
            b.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        return b.toString().toUpperCase(Locale.ROOT);
    }
}
