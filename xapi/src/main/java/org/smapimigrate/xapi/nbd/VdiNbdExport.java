package org.smapimigrate.xapi.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.nbd.NbdClient;
import org.smapimigrate.nbd.NbdDisk;
import org.smapimigrate.nbd.NbdUri;
import org.smapimigrate.xapi.transport.CertificateFingerprint;
import org.smapimigrate.xapi.transport.TlsTrust;

/**
 * Reads a VDI through xapi-nbd as {@code VDI.get_nbd_info} described it (nbd-protocol.md section
 * 3, "xapi-nbd"): TCP to {@code address:port}, STARTTLS trusting exactly the certificate the info
 * carried (its SHA-256 pin, {@link TlsTrust#pinned}: the pin is stronger than a name, and XAPI
 * may fall back to a {@code subject} the certificate does not name), {@code subject} sent as the
 * TLS server name, then the export name (a secret) on the wire. The NBD client falls back from
 * GO to EXPORT_NAME, which is all xapi-nbd knows.
 *
 * <p>The disk returned never exposes the export name: {@link VirtualDisk#describe()} shows
 * {@code session_id=<redacted>}, and an error whose message would hold the name or its session
 * (a refused export is reported with its name by the NBD client) is rethrown with both removed.
 */
public final class VdiNbdExport implements VirtualDisk {
    private final NbdDisk disk;
    private final String description;

    private VdiNbdExport(NbdDisk disk, String description) {
        this.disk = disk;
        this.description = description;
    }

    /** Connects to the export {@code info} describes. */
    public static VdiNbdExport open(NbdServerInfo info) throws IOException {
        String host = info.address().contains(":") ? "[" + info.address() + "]" : info.address();
        String secret = info.exportName();
        String uri = "nbds://" + host + ":" + info.port() + "/" + percentEncode(secret);
        try {
            NbdUri parsed = NbdUri.parse(uri);
            TlsTrust pin = TlsTrust.pinned(CertificateFingerprint.of(info.certificate()));
            NbdClient client = NbdClient.connect(parsed, pin.sslContext(), info.subject());
            return new VdiNbdExport(NbdDisk.over(client), "xapi-nbd " + parsed.describe());
        } catch (IOException | RuntimeException e) {
            throw withoutSecret(e, secret);
        }
    }

    /** Whatever follows {@code session_id=} (plain or percent-encoded) up to a space, quote or bracket. */
    private static final java.util.regex.Pattern SESSION = java.util.regex.Pattern.compile(
            "(session_id(=|%3[dD]))(?!" + java.util.regex.Pattern.quote(NbdUri.REDACTED) + ")[^\\s'\"&)\\]]+");

    /**
     * {@code e} again if no message of it or its causes holds the secret or anything after a
     * {@code session_id=} (servers echo the export name back, even cut short), else a plain copy of
     * it with those parts redacted and no cause.
     */
    static IOException withoutSecret(Exception e, String secret) {
        String session = secret.substring(secret.indexOf("session_id=") + "session_id=".length());
        boolean leaks = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            leaks |= m != null && (m.contains(secret) || m.contains(session) || m.contains(percentEncode(session))
                    || SESSION.matcher(m).find());
        }
        if (!leaks && e instanceof IOException io) {
            return io;
        }
        String m = String.valueOf(e.getMessage()).replace(secret, "/<vdi>?session_id=" + NbdUri.REDACTED)
                .replace(percentEncode(session), NbdUri.REDACTED).replace(session, NbdUri.REDACTED);
        m = SESSION.matcher(m).replaceAll("$1" + java.util.regex.Matcher.quoteReplacement(NbdUri.REDACTED));
        IOException clean = new IOException(m);
        clean.setStackTrace(e.getStackTrace());
        return clean;
    }

    /** Every byte outside RFC 3986's unreserved set as %XX, so that / ? = : reach NbdUri's decoder intact. */
    static String percentEncode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    @Override
    public long size() {
        return disk.size();
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        disk.read(dst, offset);
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        return disk.extents(offset, length);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() throws IOException {
        disk.close();
    }
}
