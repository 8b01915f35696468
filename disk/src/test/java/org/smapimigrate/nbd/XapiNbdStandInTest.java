package org.smapimigrate.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our NBD source against a stand-in for xapi-nbd, written from docs/nbd-protocol.md §3 and §5
 * (not from our client): FORCEDTLS (ERR_TLS_REQD before STARTTLS), handshake flags 1 only, so
 * EXPORT_NAME is followed by the 124 zero bytes; GO, INFO and STRUCTURED_REPLY answered
 * ERR_UNSUP, LIST ERR_POLICY; transmission flags 0x0003; simple replies, 512-aligned reads
 * only, one request at a time; the export name {@code /UUID?session_id=OpaqueRef:...} taken
 * as-is. TLS is JSSE's SSLSocket layered on the accepted socket (proto.md: TLS after the ACK).
 * nbdkit cannot refuse GO, hence the stand-in.
 */
class XapiNbdStandInTest {
    @TempDir
    Path dir;

    private static final String EXPORT = "/0a1b2c3d-1111-2222-3333-444455556666?session_id=OpaqueRef:secret-42";

    @Test
    void readsThroughTlsAndExportNameWithPadding() throws Exception {
        Path certs = TestCertificates.create(dir.resolve("pki"));
        ModelDisk model = ModelDisk.random(6L << 20, 3);
        Path expected = dir.resolve("expected.raw");
        model.writeTo(expected);
        List<String> seen = new CopyOnWriteArrayList<>();
        SSLContext tls = serverContext(certs);
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    serve(s, tls, model, seen);
                } catch (IOException e) {
                    seen.add("server failed: " + e);
                }
            });
            server.setDaemon(true);
            server.start();
            String uri = "nbds://127.0.0.1:" + listener.getLocalPort() + "/"
                    + java.net.URLEncoder.encode(EXPORT, StandardCharsets.UTF_8).replace("+", "%20");
            Path out = dir.resolve("out.raw");
            try (NbdDisk disk = NbdDisk.open(uri, certs);
                    org.smapimigrate.disk.FileSink sink = org.smapimigrate.disk.FileSink.createSparse(out, disk.size())) {
                assertEquals("NBD_OPT_EXPORT_NAME", disk.export().negotiatedBy());
                assertFalse(disk.export().structuredReplies());
                assertFalse(disk.describe().contains("secret-42"), "the session reference is never shown: " + disk.describe());
                org.smapimigrate.disk.DiskCopy.standard().copy(disk, sink, null);
            }
            assertEquals(NbdServerPeersTest.sha256(expected), NbdServerPeersTest.sha256(out));
            server.join(10_000);
        }
        assertTrue(seen.contains("STARTTLS first"), seen.toString());
        assertTrue(seen.contains("export " + EXPORT), seen.toString());
        assertFalse(seen.stream().anyMatch(s -> s.startsWith("server failed") || s.startsWith("bad")), seen.toString());
    }

    private static SSLContext serverContext(Path certs) throws Exception {
        // The stand-in's own key store, built with openssl so no code of ours reads its key.
        Path p12 = certs.resolve("server.p12");
        Process p = new ProcessBuilder("openssl", "pkcs12", "-export", "-in", certs.resolve("server-cert.pem").toString(),
                "-inkey", certs.resolve("server-key.pem").toString(), "-out", p12.toString(), "-passout", "pass:x")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            ks.load(in, "x".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLSv1.2");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static void serve(Socket plain, SSLContext tls, ModelDisk model, List<String> seen) throws IOException {
        DataInputStream in = new DataInputStream(plain.getInputStream());
        DataOutputStream out = new DataOutputStream(plain.getOutputStream());
        out.writeLong(0x4e42444d41474943L);
        out.writeLong(0x49484156454F5054L);
        out.writeShort(1); // FIXED_NEWSTYLE only: never NO_ZEROES
        out.flush();
        if (in.readInt() != 1) {
            seen.add("bad client flags");
            return;
        }
        boolean secure = false;
        while (true) {
            if (in.readLong() != 0x49484156454F5054L) {
                seen.add("bad option magic");
                return;
            }
            int option = in.readInt();
            byte[] data = new byte[in.readInt()];
            in.readFully(data);
            if (!secure && option != 5) {
                reply(out, option, 0x80000005);
                continue;
            }
            switch (option) {
                case 5 -> {
                    reply(out, option, 1);
                    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, null, plain.getPort(), false);
                    s.setUseClientMode(false);
                    s.startHandshake();
                    in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
                    out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream()));
                    secure = true;
                    seen.add("STARTTLS first");
                }
                case 1 -> {
                    seen.add("export " + new String(data, StandardCharsets.UTF_8));
                    out.writeLong(model.size());
                    out.writeShort(0x0003);
                    out.write(new byte[124]);
                    out.flush();
                    transmission(in, out, model, seen);
                    return;
                }
                case 3 -> reply(out, option, 0x80000002);
                case 2 -> {
                    reply(out, option, 1);
                    return;
                }
                default -> reply(out, option, 0x80000001);
            }
        }
    }

    private static void reply(DataOutputStream out, int option, int type) throws IOException {
        out.writeLong(0x0003e889045565a9L);
        out.writeInt(option);
        out.writeInt(type);
        out.writeInt(0);
        out.flush();
    }

    private static void transmission(DataInputStream in, DataOutputStream out, ModelDisk model, List<String> seen)
            throws IOException {
        while (true) {
            int magic = in.readInt();
            int flags = in.readUnsignedShort();
            int type = in.readUnsignedShort();
            long cookie = in.readLong();
            long offset = in.readLong();
            long length = in.readInt() & 0xffffffffL;
            if (magic != 0x25609513 || flags != 0) {
                seen.add("bad request");
                return;
            }
            if (type == 2) {
                return;
            }
            out.writeInt(0x67446698);
            if (type != 0 || offset % 512 != 0 || length % 512 != 0 || offset + length > model.size()) {
                seen.add("bad request " + type + " " + offset + "+" + length);
                out.writeInt(22);
                out.writeLong(cookie);
                out.flush();
                continue;
            }
            out.writeInt(0);
            out.writeLong(cookie);
            ByteBuffer b = ByteBuffer.allocate((int) length);
            model.read(b, offset);
            out.write(b.array());
            out.flush();
        }
    }
}
