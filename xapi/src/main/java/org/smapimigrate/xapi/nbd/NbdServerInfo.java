package org.smapimigrate.xapi.nbd;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.smapimigrate.xapi.OneLine;
import org.smapimigrate.xapi.XapiProtocolException;

/**
 * One entry of {@code VDI.get_nbd_info} (xapi-integration.md section 4 "NBD"; nbd-protocol.md
 * section 3): where xapi-nbd serves the VDI ({@code address}, {@code port}), the host's
 * certificate ({@code cert}, PEM) to trust exactly, a DNS name from it ({@code subject}), and
 * {@code exportname} = {@code /<vdi-uuid>?session_id=<session ref>}.
 *
 * <p>The export name is a <b>secret</b>: it carries a live session reference, which grants the
 * whole pool while the session lives. It is never in {@link #toString()}, in a message of this
 * class, in a journal or on a command line; only {@link VdiNbdExport} sends it, on the wire.
 * Every field comes from the network and is checked before use: the address must be an IP
 * address or a host name, the port 1 to 65535, the certificate exactly one parseable X.509
 * certificate, the subject a DNS name, the export name for the VDI asked about.
 */
public final class NbdServerInfo {
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern SUBJECT = Pattern.compile("(\\*\\.)?" + HOST_NAME.pattern());
    private static final int MAX_PEM = 64 * 1024;
    private static final int MAX_EXPORT_NAME = 4096;

    private final String address;
    private final int port;
    private final String certPem;
    private final X509Certificate certificate;
    private final String subject;
    private final String exportName;

    private NbdServerInfo(String address, int port, String certPem, X509Certificate certificate, String subject,
                          String exportName) {
        this.address = address;
        this.port = port;
        this.certPem = certPem;
        this.certificate = certificate;
        this.subject = subject;
        this.exportName = exportName;
    }

    /**
     * Reads the set {@code VDI.get_nbd_info} answered for the VDI {@code vdiUuid}.
     *
     * @throws XapiProtocolException naming the entry and field that is wrong (never the export name)
     */
    public static List<NbdServerInfo> readAll(JsonNode answer, String vdiUuid) throws XapiProtocolException {
        String what = "VDI.get_nbd_info(" + vdiUuid + ")";
        if (answer == null || !answer.isArray()) {
            throw new XapiProtocolException(what + ": expected a set of vdi_nbd_server_info records, got "
                    + (answer == null ? "nothing" : answer.getNodeType()));
        }
        List<NbdServerInfo> out = new ArrayList<>();
        int i = 0;
        for (JsonNode e : answer) {
            out.add(read(e, vdiUuid, what + " entry " + i++));
        }
        return out;
    }

    static NbdServerInfo read(JsonNode e, String vdiUuid, String where) throws XapiProtocolException {
        if (e == null || !e.isObject()) {
            throw new XapiProtocolException(where + ": not a record");
        }
        String address = text(e, "address", where);
        if (!(IPV4.matcher(address).matches() || (address.contains(":") && IPV6.matcher(address).matches())
                || HOST_NAME.matcher(address).matches())) {
            throw new XapiProtocolException(where + ": address " + OneLine.quoted(address, 80)
                    + " is neither an IP address nor a host name");
        }
        JsonNode p = e.get("port");
        long port;
        if (p != null && p.isIntegralNumber()) {
            port = p.asLong();
        } else if (p != null && p.isTextual() && p.asText().matches("\\d{1,5}")) {
            port = Long.parseLong(p.asText());
        } else {
            throw new XapiProtocolException(where + ": port is not an integer: "
                    + (p == null ? "missing" : OneLine.of(p.toString(), 40)));
        }
        if (port < 1 || port > 65535) {
            throw new XapiProtocolException(where + ": port " + port + " is outside 1-65535");
        }
        String pem = text(e, "cert", where);
        if (pem.length() > MAX_PEM) {
            throw new XapiProtocolException(where + ": cert is " + pem.length() + " characters, more than a host "
                    + "certificate (" + MAX_PEM + ")");
        }
        X509Certificate cert;
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certs.size() != 1) {
                throw new XapiProtocolException(where + ": cert holds " + certs.size()
                        + " certificates; expected the host's one PEM certificate");
            }
            cert = (X509Certificate) certs.iterator().next();
        } catch (CertificateException | RuntimeException ex) {
            throw new XapiProtocolException(where + ": cert is not a PEM X.509 certificate ("
                    + OneLine.of(String.valueOf(ex.getMessage()), 120) + ")");
        }
        String subject = text(e, "subject", where);
        if (!SUBJECT.matcher(subject).matches()) {
            throw new XapiProtocolException(where + ": subject " + OneLine.quoted(subject, 80) + " is not a DNS name");
        }
        String exportName = text(e, "exportname", where);
        String prefix = "/" + vdiUuid + "?session_id=";
        if (!exportName.startsWith(prefix) || exportName.length() == prefix.length()
                || exportName.getBytes(StandardCharsets.UTF_8).length > MAX_EXPORT_NAME
                || exportName.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            // The name itself is a secret: describe it, never show it.
            throw new XapiProtocolException(where + ": exportname (" + exportName.length() + " characters, not shown: it"
                    + " holds a session) is not /" + vdiUuid + "?session_id=<session> as xapi-nbd names this VDI");
        }
        return new NbdServerInfo(address, (int) port, pem, cert, subject, exportName);
    }

    private static String text(JsonNode e, String field, String where) throws XapiProtocolException {
        JsonNode n = e.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw new XapiProtocolException(where + ": field " + field + " is missing or not a non-empty string");
        }
        return n.asText();
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** The host certificate as XAPI sent it (PEM): not a secret. */
    public String certPem() {
        return certPem;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String subject() {
        return subject;
    }

    /** The secret export name; for {@link VdiNbdExport} only. */
    String exportName() {
        return exportName;
    }

    /** Where, without the secret: {@code nbds://ADDRESS:PORT (subject S)}. */
    @Override
    public String toString() {
        String host = address.contains(":") ? "[" + address + "]" : address;
        return "nbds://" + host + ":" + port + " (subject " + subject + ", export name not shown)";
    }
}
