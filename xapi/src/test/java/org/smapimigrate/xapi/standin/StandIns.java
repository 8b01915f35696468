package org.smapimigrate.xapi.standin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Shared set-up for tests that use the stand-in (this module's and, through the xapi test-jar,
 * the migrator's): one CA with a master and a member certificate, a self-signed certificate and a
 * foreign CA, made once per JVM; and the bundled SMAPIv3 plugins of the checkout.
 */
public final class StandIns {
    public static final String PASSWORD = "s3cr3t-Pa55word-for-tests";
    public static final String DIRVOL = "org.smapimigrate.dirvol";

    private static Pki pki;

    /** The TLS material. */
    public record Pki(TestCertificates poolCa, TestCertificates.Identity master, TestCertificates.Identity member,
                      TestCertificates.Identity selfSigned, TestCertificates otherCa) {
    }

    private StandIns() {
    }

    public static synchronized Pki pki() {
        if (pki == null) {
            try {
                Path dir = Files.createTempDirectory("xapi-stand-in-pki");
                Path a = Files.createDirectories(dir.resolve("pool"));
                Path b = Files.createDirectories(dir.resolve("other"));
                TestCertificates pool = TestCertificates.create(a);
                TestCertificates other = TestCertificates.create(b);
                pki = new Pki(pool, pool.signedHost("master"), pool.signedHost("member"), pool.selfSigned("xapi-default"),
                        other);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pki;
    }

    /** examples/xapi-storage-script of the checkout (system property smapi.root, set by Maven). */
    public static Path bundledPluginRoot() {
        String root = System.getProperty("smapi.root");
        if (root == null) {
            throw new IllegalStateException("system property smapi.root is not set (run the tests through Maven)");
        }
        Path p = Path.of(root, "examples", "xapi-storage-script");
        if (!Files.isDirectory(p.resolve("volume").resolve(DIRVOL))) {
            throw new IllegalStateException("bundled SMAPIv3 plugins missing under " + p);
        }
        return p;
    }

    /** A stand-in with user root / {@link #PASSWORD}, one member, the bundled plugins, data under {@code dir}. */
    public static XapiStandIn.Builder pool(Path dir) {
        Pki k = pki();
        return XapiStandIn.builder().dataDir(dir.resolve("stand-in-data")).account("root", PASSWORD)
                .master(k.master()).member(k.member()).pluginRoot(bundledPluginRoot());
    }
}
