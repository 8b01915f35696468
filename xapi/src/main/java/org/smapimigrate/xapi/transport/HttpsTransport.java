package org.smapimigrate.xapi.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.smapimigrate.xapi.XapiConnectionException;

/**
 * HTTPS to a XAPI host with {@code java.net.http}: HTTP/1.1 (what XAPI speaks), no automatic
 * redirects (XAPI's 302s are followed by the caller, re-sending a PUT body), the pool's
 * certificate checked by a {@link TlsTrust}.
 */
public final class HttpsTransport implements Transport {
    private final URI base;
    private final TlsTrust trust;
    private final HttpClient client;
    private final Duration callTimeout;

    public HttpsTransport(URI base, TlsTrust trust, Duration connectTimeout, Duration callTimeout) {
        this(base, trust, HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .sslContext(trust.sslContext())
                .build(), callTimeout);
    }

    private HttpsTransport(URI base, TlsTrust trust, HttpClient client, Duration callTimeout) {
        if (!"https".equalsIgnoreCase(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("not an https:// URL with a host: " + base);
        }
        this.base = base;
        this.trust = trust;
        this.client = client;
        this.callTimeout = callTimeout;
    }

    @Override
    public String describe() {
        return base.getScheme() + "://" + base.getRawAuthority();
    }

    public TlsTrust trust() {
        return trust;
    }

    @Override
    public HttpReply post(String target, Map<String, String> headers, byte[] body) throws IOException {
        HttpRequest.Builder b = request(target).timeout(callTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return send(b.build(), true);
    }

    @Override
    public HttpReply get(String target) throws IOException {
        return send(request(target).GET().build(), false);
    }

    @Override
    public HttpReply put(String target, BodySource body) throws IOException {
        // A known length makes java.net.http send Content-Length, not chunked encoding.
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return body.open();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }), body.length());
        return send(request(target).header("Content-Type", "application/octet-stream").PUT(publisher).build(), true);
    }

    @Override
    public Transport redirected(URI location) {
        URI abs = base.resolve(location);
        return new HttpsTransport(URI.create(abs.getScheme() + "://" + abs.getRawAuthority()), trust, client, callTimeout);
    }

    private HttpRequest.Builder request(String target) {
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("target must start with '/': " + target);
        }
        return HttpRequest.newBuilder(URI.create(describe() + target)).header("User-Agent", "smapi-migrate");
    }

    private HttpReply send(HttpRequest req, boolean sentBody) throws IOException {
        trust.forgetRefusal();
        HttpResponse<InputStream> r;
        try {
            r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to " + describe());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new XapiConnectionException("cannot connect to " + describe() + ": " + reason(e), false, e);
        } catch (HttpTimeoutException e) {
            throw new XapiConnectionException("no answer from " + describe() + " within " + callTimeout.toSeconds()
                    + " s", sentBody, e);
        } catch (IOException e) {
            if (isTls(e)) {
                CertificateFingerprint refused = trust.lastRefused();
                if (refused != null) {
                    throw new UntrustedCertificateException(describe(), refused, trust.lastReason(), e);
                }
                throw new XapiConnectionException("TLS with " + describe() + " failed: " + reason(e), false, e);
            }
            throw new XapiConnectionException("connection to " + describe() + " broke off before the answer: "
                    + reason(e), sentBody, e);
        }
        Map<String, List<String>> headers = new HashMap<>();
        r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        return new HttpReply(r.statusCode(), headers, r.body());
    }

    private static boolean isTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        // HttpClient.close() exists only from Java 21; its connections are released when it is collected.
    }
}
