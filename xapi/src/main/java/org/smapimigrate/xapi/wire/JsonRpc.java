package org.smapimigrate.xapi.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.smapimigrate.xapi.OneLine;
import org.smapimigrate.xapi.XapiException;
import org.smapimigrate.xapi.XapiProtocolException;

/**
 * XAPI's JSON-RPC wire format (shared/docs/xapi-integration.md section 1; xen-api
 * doc/content/xen-api/wire-protocol.md; ocaml-rpc jsonrpc.ml). Requests are JSON-RPC 2.0 with an
 * integer id and a params array. Responses are read in every shape XAPI produces: v2 success, v2
 * error object {code:1, message:CODE, data:[params]}, v1 {result, error:[CODE, params...]}, and the
 * out-of-dispatch v1-style error array with id 0, so the id is not insisted on.
 */
public final class JsonRpc {
    /** Integers beyond 2^53 (sizes) must stay exact: read them as long/BigInteger, never double. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final AtomicLong ids = new AtomicLong();

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The request body for {@code method(params...)}; params are Strings, numbers, booleans, maps, lists or trees. */
    public byte[] request(String method, List<?> params) {
        ObjectNode req = MAPPER.createObjectNode();
        req.put("jsonrpc", "2.0");
        req.put("method", method);
        ArrayNode p = req.putArray("params");
        for (Object o : params) {
            p.add(o == null ? MAPPER.nullNode() : (JsonNode) MAPPER.valueToTree(o));
        }
        req.put("id", ids.incrementAndGet());
        try {
            return MAPPER.writeValueAsBytes(req);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode params of " + method + ": " + e.getOriginalMessage());
        }
    }

    /**
     * The result of a response body, or the XAPI error it carries as an {@link XapiException}.
     * Anything that is not a JSON-RPC response is an {@link XapiProtocolException}.
     */
    public static JsonNode result(String method, byte[] body) throws XapiException, XapiProtocolException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new XapiProtocolException(method + ": the answer is not JSON: "
                    + OneLine.quoted(new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8), 200));
        }
        if (tree == null || !tree.isObject()) {
            throw new XapiProtocolException(method + ": the answer is not a JSON-RPC object");
        }
        JsonNode error = tree.get("error");
        if (error != null && !error.isNull()) {
            throw errorOf(method, error);
        }
        if (!tree.has("result")) {
            throw new XapiProtocolException(method + ": the answer has neither result nor error");
        }
        return tree.get("result");
    }

    private static XapiException errorOf(String method, JsonNode error) throws XapiProtocolException {
        List<String> params = new ArrayList<>();
        String code;
        if (error.isArray() && error.size() > 0) {
            code = text(error.get(0));
            for (int i = 1; i < error.size(); i++) {
                params.add(text(error.get(i)));
            }
        } else if (error.isObject() && error.hasNonNull("message")) {
            code = text(error.get("message"));
            JsonNode data = error.get("data");
            if (data != null && data.isArray()) {
                data.forEach(d -> params.add(text(d)));
            } else if (data != null && !data.isNull()) {
                params.add(text(data));
            }
        } else {
            throw new XapiProtocolException(method + ": unreadable error " + OneLine.of(error.toString(), 200));
        }
        return new XapiException(method, code, params);
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.asText() : n.toString();
    }
}
