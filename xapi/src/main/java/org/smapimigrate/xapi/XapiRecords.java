package org.smapimigrate.xapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.smapimigrate.xapi.records.XapiClass;

/**
 * Typed reads of a session's records: {@code <Class>.get_all_records}, {@code get_record},
 * {@code get_by_uuid} (xapi-integration.md section 1 "Records"). Refs are per-server and change
 * across restarts; keep uuids in anything persistent and resolve them with {@link #byUuid}.
 */
public final class XapiRecords {
    private final XapiSession session;

    public XapiRecords(XapiSession session) {
        this.session = session;
    }

    /** Every record of the class, by ref, in the server's order. */
    public <T> Map<String, T> all(XapiClass<T> cls) throws IOException {
        String method = cls.name() + ".get_all_records";
        JsonNode all = session.call(method);
        if (!all.isObject()) {
            throw new XapiProtocolException(method + ": expected an object of records, got " + all.getNodeType());
        }
        Map<String, T> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), read(method, cls, e.getKey(), e.getValue()));
        }
        return Collections.unmodifiableMap(m);
    }

    public <T> T get(XapiClass<T> cls, String ref) throws IOException {
        String method = cls.name() + ".get_record";
        return read(method, cls, ref, session.call(method, ref));
    }

    /** The ref of the object with this uuid; {@code UUID_INVALID} from XAPI when there is none. */
    public String refOf(XapiClass<?> cls, String uuid) throws IOException {
        return session.callForString(cls.name() + ".get_by_uuid", uuid);
    }

    public <T> T byUuid(XapiClass<T> cls, String uuid) throws IOException {
        return get(cls, refOf(cls, uuid));
    }

    private static <T> T read(String method, XapiClass<T> cls, String ref, JsonNode record) throws XapiProtocolException {
        try {
            return cls.read(ref, record);
        } catch (IllegalArgumentException e) {
            throw new XapiProtocolException(method + ": record " + OneLine.of(ref, 60) + ": " + e.getMessage());
        }
    }
}
