package org.smapimigrate.nbd;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where an NBD export is: a TCP host and port or a UNIX socket path, an export name, and whether
 * TLS was demanded. Parses the forms of NetworkBlockDevice/nbd doc/uri.md
 * ({@code nbd://host[:port]/export}, {@code nbd+unix:///export?socket=PATH}, the {@code nbds}
 * variants) and qemu's legacy syntax that XAPI's SMAPIv3 {@code Nbd} implementation returns
 * ({@code nbd:unix:PATH[:exportname=NAME]}, {@code nbd:HOST:PORT[:exportname=NAME]}).
 */
public final class NbdUri {
    /** IANA's NBD port. */
    public static final int DEFAULT_PORT = 10809;

    private static final String LEGACY_EXPORT = ":exportname=";
    /** Query parameters meaningful only once TLS is negotiated; accepted and unused on plain schemes. */
    private static final Set<String> TLS_PARAMETERS =
            Set.of("tls-type", "tls-hostname", "tls-verify-peer", "tls-certificates", "tls-psk-file");
    /** XAPI export names carry a session reference, which is a credential: never print it. */
    /** What stands for a session in {@link #describe()}: the secret never leaves this class. */
    public static final String REDACTED = "<redacted>";

    private static final Pattern SESSION_ID = Pattern.compile("(session_id(=|%3[dD]))[^&:/?#]*");

    private final String text;
    private final boolean tls;
    private final String host;
    private final int port;
    private final Path socket;
    private final String exportName;
    /** libnbd's tls-certificates, tls-hostname and tls-verify-peer query parameters, or null. */
    private String tlsCertificates;
    private String tlsHostname;
    private Boolean tlsVerifyPeer;

    private NbdUri(String text, boolean tls, String host, int port, Path socket, String exportName) {
        this.text = text;
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.socket = socket;
        this.exportName = exportName;
    }

    /** A UNIX socket export, as if parsed from {@code nbd+unix:///NAME?socket=PATH}. */
    public static NbdUri unix(Path socket, String exportName) {
        return unix(socket, exportName, false);
    }

    /** {@code nbd+unix:///NAME?socket=PATH}, or {@code nbds+unix://...} with {@code tls}. */
    public static NbdUri unix(Path socket, String exportName, boolean tls) {
        String text = (tls ? "nbds" : "nbd") + "+unix:///" + encode(exportName) + "?socket=" + encode(socket.toString());
        return new NbdUri(text, tls, null, -1, socket, exportName);
    }

    /** A TCP export, as if parsed from {@code nbd://HOST:PORT/NAME}. */
    public static NbdUri tcp(String host, int port, String exportName) {
        return tcp(host, port, exportName, false);
    }

    /** {@code nbd://HOST:PORT/NAME}, or {@code nbds://...} with {@code tls}. */
    public static NbdUri tcp(String host, int port, String exportName, boolean tls) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return new NbdUri((tls ? "nbds" : "nbd") + "://" + h + ":" + port + "/" + encode(exportName), tls, host, port,
                null, exportName);
    }

    /**
     * Parses {@code text}.
     *
     * @throws NbdException {@link NbdException#BAD_URI} saying which part is wrong
     */
    public static NbdUri parse(String text) throws NbdException {
        Objects.requireNonNull(text, "uri");
        String redacted = redact(text);
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw bad(redacted, "not an NBD URI: expected nbd://HOST[:PORT]/EXPORT, "
                    + "nbd+unix:///EXPORT?socket=PATH or nbd:unix:PATH:exportname=EXPORT");
        }
        String scheme = text.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        String rest = text.substring(colon + 1);
        if (scheme.equals("nbd") && !rest.startsWith("//")) {
            return parseLegacy(text, redacted, rest);
        }
        if (!rest.startsWith("//")) {
            throw bad(redacted, "expected '//' after '" + scheme + ":'");
        }
        boolean tls;
        boolean unix;
        switch (scheme) {
            case "nbd" -> { tls = false; unix = false; }
            case "nbds" -> { tls = true; unix = false; }
            case "nbd+unix" -> { tls = false; unix = true; }
            case "nbds+unix" -> { tls = true; unix = true; }
            case "nbd+vsock", "nbds+vsock" -> throw bad(redacted, "vsock transport is not supported");
            default -> throw bad(redacted, "unknown scheme '" + scheme
                    + "' (expected nbd, nbds, nbd+unix or nbds+unix)");
        }
        return parseStandard(text, redacted, rest.substring(2), tls, unix);
    }

    private static NbdUri parseStandard(String text, String redacted, String rest, boolean tls, boolean unix)
            throws NbdException {
        if (rest.indexOf('#') >= 0) {
            throw bad(redacted, "a '#' starts a URI fragment, which NBD URIs do not have; "
                    + "percent-encode it as %23 if it belongs to the export name");
        }
        int q = rest.indexOf('?');
        String query = q < 0 ? "" : rest.substring(q + 1);
        String beforeQuery = q < 0 ? rest : rest.substring(0, q);
        int slash = beforeQuery.indexOf('/');
        String authority = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
        String path = slash < 0 ? "" : beforeQuery.substring(slash);
        // uri.md "export name": the path without its leading '/', percent-decoded.
        String exportName = path.isEmpty() ? "" : decode(redacted, path.substring(1), "export name");

        String socketParam = null;
        java.util.Map<String, String> tlsParams = new java.util.HashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(redacted, eq < 0 ? pair : pair.substring(0, eq), "query parameter");
                String value = eq < 0 ? "" : decode(redacted, pair.substring(eq + 1), "query parameter " + key);
                if (key.equals("socket")) {
                    if (!unix) {
                        throw bad(redacted, "'socket' belongs to nbd+unix:// URIs, not to a TCP URI");
                    }
                    socketParam = value;
                } else if (!TLS_PARAMETERS.contains(key)) {
                    // uri.md: "Any other query parameters which the client does not understand
                    // SHOULD be diagnosed by the parser."
                    throw bad(redacted, "unknown query parameter '" + key + "'");
                } else {
                    tlsParams.put(key, value);
                }
            }
        }

        if (unix) {
            if (!authority.isEmpty() && !authority.equalsIgnoreCase("localhost")) {
                throw bad(redacted, "a UNIX socket URI has no host: write nbd+unix:///EXPORT?socket=PATH");
            }
            if (socketParam == null || socketParam.isEmpty()) {
                throw bad(redacted, "missing ?socket=PATH (required by nbd+unix URIs)");
            }
            if (socketParam.charAt(0) == '\0') {
                throw bad(redacted, "abstract-namespace sockets (socket=%00...) are not supported");
            }
            return withTlsParameters(new NbdUri(text, tls, null, -1, Path.of(socketParam), exportName), tlsParams,
                    redacted);
        }

        if (authority.indexOf('@') >= 0) {
            throw bad(redacted, "user names in NBD URIs (TLS PSK) are not supported");
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw bad(redacted, "unterminated IPv6 address '['");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw bad(redacted, "unexpected '" + after + "' after the IPv6 address");
                }
                portText = after.substring(1);
            }
        } else {
            int c = authority.lastIndexOf(':');
            host = c < 0 ? authority : authority.substring(0, c);
            portText = c < 0 ? null : authority.substring(c + 1);
            host = decode(redacted, host, "host");
        }
        if (host.isEmpty()) {
            // uri.md leaves a missing authority to the client; libnbd uses localhost.
            host = "localhost";
        }
        int port = portText == null || portText.isEmpty() ? DEFAULT_PORT : parsePort(redacted, portText);
        return withTlsParameters(new NbdUri(text, tls, host, port, null, exportName), tlsParams, redacted);
    }

    private static NbdUri withTlsParameters(NbdUri uri, java.util.Map<String, String> p, String redacted)
            throws NbdException {
        uri.tlsCertificates = p.get("tls-certificates");
        uri.tlsHostname = p.get("tls-hostname");
        String verify = p.get("tls-verify-peer");
        if (verify != null) {
            if (!verify.equals("true") && !verify.equals("false")) {
                throw bad(redacted, "tls-verify-peer must be true or false, not '" + verify + "'");
            }
            uri.tlsVerifyPeer = Boolean.valueOf(verify);
        }
        if (p.containsKey("tls-psk-file")) {
            throw bad(redacted, "TLS with pre-shared keys (tls-psk-file) is not supported; use X.509 certificates");
        }
        return uri;
    }

    /** qemu's {@code nbd:unix:PATH[:exportname=N]} and {@code nbd:HOST[:PORT][:exportname=N]}; no percent-decoding. */
    private static NbdUri parseLegacy(String text, String redacted, String rest) throws NbdException {
        String exportName = "";
        String address = rest;
        // qemu's nbd_parse_filename cuts at the first ":exportname="; XAPI's parse_nbd_uri splits
        // on ':' and needs exactly 4 fields, so names with ':' only work with qemu. We follow qemu.
        int en = rest.indexOf(LEGACY_EXPORT);
        if (en >= 0) {
            exportName = rest.substring(en + LEGACY_EXPORT.length());
            address = rest.substring(0, en);
        }
        if (address.startsWith("unix:")) {
            String path = address.substring("unix:".length());
            if (path.isEmpty()) {
                throw bad(redacted, "missing socket path in nbd:unix:PATH[:exportname=NAME]");
            }
            return new NbdUri(text, false, null, -1, Path.of(path), exportName);
        }
        String host;
        String portText = null;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                throw bad(redacted, "unterminated IPv6 address '['");
            }
            host = address.substring(1, close);
            String after = address.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                throw bad(redacted, "unexpected '" + after + "' after the IPv6 address");
            }
        } else {
            int c = address.indexOf(':');
            host = c < 0 ? address : address.substring(0, c);
            portText = c < 0 ? null : address.substring(c + 1);
        }
        if (host.isEmpty()) {
            throw bad(redacted, "missing host in nbd:HOST:PORT[:exportname=NAME]");
        }
        int port = portText == null ? DEFAULT_PORT : parsePort(redacted, portText);
        return new NbdUri(text, false, host, port, null, exportName);
    }

    private static int parsePort(String redacted, String portText) throws NbdException {
        try {
            int port = Integer.parseInt(portText);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw bad(redacted, "port '" + portText + "' is not a number from 1 to 65535");
    }

    /** RFC 3986 percent-decoding into UTF-8; '+' stays '+' (that is form encoding, not URIs). */
    private static String decode(String redacted, String s, String what) throws NbdException {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '%') {
                if (i + 2 >= bytes.length || Character.digit(bytes[i + 1], 16) < 0
                        || Character.digit(bytes[i + 2], 16) < 0) {
                    throw bad(redacted, "bad percent-escape in the " + what + " (expected %XX with two hex digits)");
                }
                out.write(Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16));
                i += 2;
            } else {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~/".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    private static NbdException bad(String redacted, String detail) {
        return NbdException.local(redacted, NbdException.BAD_URI, detail);
    }

    /** Hides XAPI session references ({@code session_id=OpaqueRef:...}), which grant access to the pool. */
    static String redact(String s) {
        return SESSION_ID.matcher(s).replaceAll("$1" + REDACTED);
    }

    /** True for nbds:// and nbds+unix://. */
    public boolean tls() {
        return tls;
    }

    /** The tls-certificates query parameter (a directory, as libnbd takes it), or null. */
    public String tlsCertificates() {
        return tlsCertificates;
    }

    /** The tls-hostname query parameter, or null. */
    public String tlsHostname() {
        return tlsHostname;
    }

    /** The tls-verify-peer query parameter (default true). */
    public boolean tlsVerifyPeer() {
        return tlsVerifyPeer == null || tlsVerifyPeer;
    }

    /** True when the export is reached through a UNIX socket. */
    public boolean isUnix() {
        return socket != null;
    }

    /** TCP host, or null for a UNIX socket. */
    public String host() {
        return host;
    }

    /** TCP port, or -1 for a UNIX socket. */
    public int port() {
        return port;
    }

    /** UNIX socket path, or null for TCP. */
    public Path socket() {
        return socket;
    }

    /** The export name sent to the server, decoded. */
    public String exportName() {
        return exportName;
    }

    /** The URI as given, with secrets redacted: what messages print. */
    public String describe() {
        return redact(text);
    }

    @Override
    public String toString() {
        return describe();
    }
}
