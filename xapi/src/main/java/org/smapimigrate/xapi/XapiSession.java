package org.smapimigrate.xapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.smapimigrate.xapi.transport.CertificateFingerprint;
import org.smapimigrate.xapi.transport.HttpReply;
import org.smapimigrate.xapi.transport.Transport;
import org.smapimigrate.xapi.wire.JsonRpc;

/**
 * One logged-in XAPI session on the pool master (xapi-integration.md section 1, "Login"):
 * <ul>
 * <li>{@link #login} calls {@code session.login_with_password(user, password, "1.1", originator)};
 *     a pool member's {@code HOST_IS_SLAVE [address]} is followed once to the master;</li>
 * <li>{@link #call} puts the session first in the params; on {@code SESSION_INVALID} (xapi
 *     restart, expiry, session cap) it logs in again once and repeats the call;</li>
 * <li>a connection dropped before the answer is retried once for reads ({@code get_*}) only;
 *     for a change it is an {@link XapiConnectionException} saying the call may have happened;</li>
 * <li>{@link #close} logs out. Use one long-lived session with an originator: XAPI caps sessions
 *     and destroys the oldest ones.</li>
 * </ul>
 * The password is kept only to log in again; it is never in a message or {@link #toString()}.
 */
public final class XapiSession implements AutoCloseable {
    /** Originator: XAPI counts sessions per originator (max_sessions), so ours never evict others'. */
    public static final String ORIGINATOR = "smapi-migrate";
    static final String API_VERSION = "1.1";
    static final String THUMBPRINT_REQUEST = "x-xenapi-request-host-certificate-thumbprint";
    static final String THUMBPRINT_RESPONSE = "x-xenapi-response-host-certificate-thumbprint";
    /** A get_all_records of a big pool is tens of MB; more than this is not an answer. */
    static final int MAX_ANSWER = 512 << 20;

    private final XapiEndpoint endpoint;
    private final Transport transport;
    private final XapiCredentials credentials;
    private final String originator;
    private final JsonRpc rpc = new JsonRpc();
    private volatile String session;
    private volatile boolean closed;

    private XapiSession(XapiEndpoint endpoint, Transport transport, XapiCredentials credentials, String originator) {
        this.endpoint = endpoint;
        this.transport = transport;
        this.credentials = credentials;
        this.originator = originator;
    }

    public static XapiSession login(XapiEndpoint endpoint, XapiCredentials credentials) throws IOException {
        return login(endpoint, credentials, ORIGINATOR);
    }

    public static XapiSession login(XapiEndpoint endpoint, XapiCredentials credentials, String originator)
            throws IOException {
        XapiSession s = new XapiSession(endpoint, endpoint.open(), credentials, originator);
        try {
            s.session = s.loginOnce();
            return s;
        } catch (XapiException e) {
            s.transport.close();
            if (!e.is(XapiException.HOST_IS_SLAVE) || e.params().isEmpty() || endpoint.isUnixSocket()) {
                throw e;
            }
            XapiEndpoint master = endpoint.withHost(e.params().get(0));
            XapiSession m = new XapiSession(master, master.open(), credentials, originator);
            try {
                m.session = m.loginOnce();
            } catch (XapiException again) {
                m.transport.close();
                if (again.is(XapiException.HOST_IS_SLAVE)) {
                    throw new XapiProtocolException("session.login_with_password: " + endpoint + " named "
                            + master + " as the master, but that host also answers HOST_IS_SLAVE "
                            + again.params() + "; the pool is changing its master: try again later");
                }
                throw again;
            }
            return m;
        } catch (IOException | RuntimeException e) {
            s.transport.close();
            throw e;
        }
    }

    /** The endpoint of the master this session is on (not the pool member first asked). */
    public XapiEndpoint endpoint() {
        return endpoint;
    }

    public XapiCredentials credentials() {
        return credentials;
    }

    /** The session reference, for HTTP handlers' {@code session_id}. It is a secret while the session lives. */
    public String sessionRef() {
        return session;
    }

    /** The connection to the master, for its HTTP handlers (disk transfer). */
    public Transport transport() {
        return transport;
    }

    private String loginOnce() throws IOException {
        String method = "session.login_with_password";
        byte[] body = rpc.request(method, List.of(credentials.user(), credentials.password(), API_VERSION, originator));
        boolean pinning = endpoint.trust() != null && endpoint.trust().isPinning();
        Map<String, String> headers = pinning ? Map.of(THUMBPRINT_REQUEST, "sha-256:master") : Map.of();
        try (HttpReply reply = transport.post(XapiEndpoint.JSONRPC_PATH, headers, body)) {
            byte[] answer = answer(method, reply);
            try {
                return text(method, JsonRpc.result(method, answer));
            } catch (XapiException e) {
                if (e.is(XapiException.HOST_IS_SLAVE) && pinning) {
                    // A member verified by the pin vouches for the master's certificate.
                    reply.header(THUMBPRINT_RESPONSE).ifPresent(fp -> {
                        try {
                            endpoint.trust().alsoPin(CertificateFingerprint.parse(fp));
                        } catch (IllegalArgumentException ignored) {
                            // not a fingerprint: the master must then match the pin itself
                        }
                    });
                }
                throw redacted(e);
            }
        }
    }

    /** Calls {@code method(session, params...)} and returns its result. */
    public JsonNode call(String method, Object... params) throws IOException {
        checkOpen();
        String used = session;
        try {
            return callOnce(method, used, params);
        } catch (XapiException e) {
            if (!e.is(XapiException.SESSION_INVALID)) {
                throw e;
            }
            relogin(used);
            return callOnce(method, session, params);
        }
    }

    /** Calls a method that returns a string (a ref, a uuid, a name). */
    public String callForString(String method, Object... params) throws IOException {
        return text(method, call(method, params));
    }

    private synchronized void relogin(String stale) throws IOException {
        if (session.equals(stale)) {
            session = loginOnce();
        }
    }

    private JsonNode callOnce(String method, String sessionRef, Object... params) throws IOException {
        List<Object> all = new ArrayList<>(params.length + 1);
        all.add(sessionRef);
        all.addAll(Arrays.asList(params));
        byte[] body = rpc.request(method, all);
        try {
            return post(method, body);
        } catch (XapiConnectionException e) {
            if (e.mayHaveHappened() && isRead(method)) {
                return post(method, body);
            }
            if (e.mayHaveHappened()) {
                throw new XapiConnectionException(method + ": " + e.getMessage()
                        + "; the call may or may not have been applied: re-read the state before going on", true, e);
            }
            throw e;
        }
    }

    private JsonNode post(String method, byte[] body) throws IOException {
        try (HttpReply reply = transport.post(XapiEndpoint.JSONRPC_PATH, Map.of(), body)) {
            try {
                return JsonRpc.result(method, answer(method, reply));
            } catch (XapiException e) {
                throw redacted(e);
            }
        }
    }

    private byte[] answer(String method, HttpReply reply) throws IOException {
        byte[] answer;
        try {
            answer = reply.readBody(MAX_ANSWER);
        } catch (XapiConnectionException e) {
            throw e;
        } catch (IOException e) {
            throw new XapiConnectionException(method + ": the answer from " + transport.describe() + " broke off: "
                    + e.getMessage(), true, e);
        }
        if (reply.status() != 200) {
            // XAPI answers malformed requests with HTTP 500 and an HTML page (xapi-integration.md section 1).
            String text = new String(answer, 0, Math.min(answer.length, 300), StandardCharsets.UTF_8)
                    .replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
            throw new XapiProtocolException(method + ": " + transport.describe() + " answered HTTP " + reply.status()
                    + " instead of JSON-RPC: " + OneLine.quoted(credentials.redact(text), 200));
        }
        return answer;
    }

    /** Reads are safe to send again after a dropped connection; changes are not. */
    static boolean isRead(String method) {
        String m = method.startsWith("Async.") ? method.substring(6) : method;
        int dot = m.indexOf('.');
        String message = dot < 0 ? m : m.substring(dot + 1);
        return message.startsWith("get_") && !method.startsWith("Async.");
    }

    /**
     * {@code e} without the password or the session reference (SESSION_INVALID and HANDLE_INVALID
     * name it): a live session ref grants the pool, so it is a secret like the password.
     */
    private XapiException redacted(XapiException e) {
        List<String> params = new ArrayList<>();
        boolean changed = false;
        String live = session;
        for (String p : e.params()) {
            String r = credentials.redact(p);
            if (live != null && !live.isEmpty() && r.contains(live)) {
                r = r.replace(live, "OpaqueRef:<this session>");
            }
            changed |= !r.equals(p);
            params.add(r);
        }
        return changed ? new XapiException(e.method(), e.code(), params) : e;
    }

    private static String text(String method, JsonNode n) throws XapiProtocolException {
        if (n == null || !n.isTextual()) {
            throw new XapiProtocolException(method + ": expected a string result, got "
                    + (n == null ? "nothing" : OneLine.of(n.toString(), 100)));
        }
        return n.asText();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the XAPI session is closed");
        }
    }

    /** Logs out (best effort: a session already gone is fine) and releases the connection. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            callOnce("session.logout", session);
        } catch (XapiException e) {
            if (!e.is(XapiException.SESSION_INVALID)) {
                throw e;
            }
        } finally {
            transport.close();
        }
    }

    @Override
    public String toString() {
        return "XapiSession[" + credentials.user() + "@" + endpoint + (closed ? ", closed" : "") + "]";
    }
}
