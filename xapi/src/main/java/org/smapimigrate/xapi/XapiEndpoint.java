package org.smapimigrate.xapi;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import org.smapimigrate.xapi.transport.HttpsTransport;
import org.smapimigrate.xapi.transport.TlsTrust;
import org.smapimigrate.xapi.transport.Transport;
import org.smapimigrate.xapi.transport.UnixSocketTransport;

/**
 * Where a XAPI host listens: {@code https://HOST[:PORT]} with a {@link TlsTrust}, or dom0's Unix
 * socket ({@code unix:/var/lib/xcp/xapi}). JSON-RPC goes to {@value #JSONRPC_PATH} on either
 * (xapi-integration.md section 1, "Endpoint"). Plain {@code http://} is refused: the login would
 * carry the password in clear.
 */
public final class XapiEndpoint {
    public static final String JSONRPC_PATH = "/jsonrpc";
    public static final Path DOM0_SOCKET = Path.of("/var/lib/xcp/xapi");
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /** SR.scan and get_all_records of a big pool can take minutes; long work goes through tasks. */
    public static final Duration CALL_TIMEOUT = Duration.ofMinutes(10);

    private final URI https;
    private final Path socket;
    private final TlsTrust trust;

    private XapiEndpoint(URI https, Path socket, TlsTrust trust) {
        this.https = https;
        this.socket = socket;
        this.trust = trust;
    }

    public static XapiEndpoint https(String host, int port, TlsTrust trust) {
        return new XapiEndpoint(uri(host, port), null, trust);
    }

    public static XapiEndpoint unixSocket(Path socket) {
        return new XapiEndpoint(null, socket, null);
    }

    /**
     * Parses what a person gives to {@code --xapi}: {@code https://HOST[:PORT][/]}, a bare
     * {@code HOST[:PORT]} (HTTPS meant), or {@code unix:PATH}. {@code trust} is used for HTTPS.
     */
    public static XapiEndpoint parse(String text, TlsTrust trust) {
        String s = text.strip();
        if (s.startsWith("unix:")) {
            String path = s.substring("unix:".length());
            if (path.startsWith("//")) {
                path = path.substring(2);
            }
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("'" + text + "': give the socket as unix:/absolute/path");
            }
            return unixSocket(Path.of(path));
        }
        if (s.startsWith("http://")) {
            throw new IllegalArgumentException("'" + text + "': plain HTTP would send the password in clear;"
                    + " use https://HOST or, in dom0, unix:" + DOM0_SOCKET);
        }
        if (!s.contains("://")) {
            s = "https://" + s;
        }
        URI u;
        try {
            u = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getMessage());
        }
        if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("'" + text + "': expected https://HOST[:PORT] or unix:PATH");
        }
        if ((u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
                || u.getRawQuery() != null || u.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + text + "': give only https://HOST[:PORT] (no path, query or user)");
        }
        return new XapiEndpoint(uri(u.getHost(), u.getPort() < 0 ? 443 : u.getPort()), null, trust);
    }

    private static URI uri(String host, int port) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create("https://" + h + ":" + port);
    }

    /**
     * The same kind of endpoint on another host and the same port: where a pool member's
     * {@code HOST_IS_SLAVE [master address]} points. The address comes from the network, so it
     * must look like a host name or an IP address.
     */
    public XapiEndpoint withHost(String address) {
        if (https == null) {
            throw new IllegalStateException("the Unix socket endpoint has no host");
        }
        if (!address.matches("[A-Za-z0-9.\\-]{1,253}|\\[?[0-9A-Fa-f:.]{2,45}\\]?")) {
            throw new IllegalArgumentException("not a host name or IP address: " + OneLine.quoted(address, 80));
        }
        String bare = address.startsWith("[") ? address.substring(1, address.length() - 1) : address;
        return new XapiEndpoint(uri(bare, https.getPort()), null, trust);
    }

    public boolean isUnixSocket() {
        return socket != null;
    }

    public TlsTrust trust() {
        return trust;
    }

    public Transport open() {
        if (socket != null) {
            return new UnixSocketTransport(socket);
        }
        return new HttpsTransport(https, trust, CONNECT_TIMEOUT, CALL_TIMEOUT);
    }

    @Override
    public String toString() {
        return socket != null ? "unix:" + socket : https.toString();
    }
}
