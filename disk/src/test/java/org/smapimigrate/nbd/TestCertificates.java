package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away CA, server and client certificate made by openssl in the layout qemu, nbdkit,
 * libnbd and our server read: ca-cert.pem, server-cert.pem, server-key.pem, client-cert.pem,
 * client-key.pem. The server key is SEC1 ("EC PRIVATE KEY"), the client key PKCS#1 ("RSA
 * PRIVATE KEY"): the two formats the JDK cannot read alone. The server certificate names
 * localhost and 127.0.0.1.
 */
public final class TestCertificates {
    private TestCertificates() {
    }

    public static Path create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        Files.writeString(dir.resolve("server.ext"), "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        Files.writeString(dir.resolve("client.ext"), "basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
        openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca-key.pem");
        openssl(dir, "req", "-new", "-key", "ca-key.pem", "-subj", "/CN=smapi-migrate test CA", "-out", "ca.csr");
        openssl(dir, "x509", "-req", "-in", "ca.csr", "-signkey", "ca-key.pem", "-days", "3", "-extfile", "ca.ext",
                "-out", "ca-cert.pem");
        openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "server-key.pem");
        signed(dir, "server", "/CN=localhost");
        openssl(dir, "genrsa", "-traditional", "-out", "client-key.pem", "2048");
        signed(dir, "client", "/CN=smapi-migrate test client");
        return dir;
    }

    private static void signed(Path dir, String who, String subject) throws IOException, InterruptedException {
        openssl(dir, "req", "-new", "-key", who + "-key.pem", "-subj", subject, "-out", who + ".csr");
        openssl(dir, "x509", "-req", "-in", who + ".csr", "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-days", "3", "-extfile", who + ".ext", "-out", who + "-cert.pem");
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Files.isExecutable(Path.of("/usr/bin/openssl")) ? "/usr/bin/openssl"
                : fail("openssl is not installed: apt-get install -y openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("openssl " + String.join(" ", args) + " hung");
        }
        assertEquals(0, p.exitValue(), "openssl " + String.join(" ", args) + ":\n" + out);
    }
}
