package org.smapimigrate.plugin;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Typed calls of a datapath plugin (data.ml, Datapath version 5.0.0). The order XAPI uses, and
 * the one these plugins may enforce, is open, attach, activate, then deactivate, detach, close.
 */
public final class DatapathPlugin {
    private final PluginClient client;
    private final String dbg;

    DatapathPlugin(PluginClient client) {
        this.client = client;
        this.dbg = "smapi-migrate";
    }

    /** The URI scheme this plugin serves: its directory name. */
    public String scheme() {
        return client.name();
    }

    public PluginClient client() {
        return client;
    }

    public boolean has(String method) throws IOException {
        return client.has(method);
    }

    public QueryResult query() throws IOException {
        return client.call("Plugin.Query", params(), QueryResult.class);
    }

    public void open(String uri, boolean persistent) throws IOException {
        client.call("Datapath.open", params("uri", uri, "persistent", persistent));
    }

    public Backend attach(String uri, String domain) throws IOException {
        return client.call("Datapath.attach", params("uri", uri, "domain", domain), Backend.class);
    }

    public void activate(String uri, String domain) throws IOException {
        client.call("Datapath.activate", params("uri", uri, "domain", domain));
    }

    public void activateReadonly(String uri, String domain) throws IOException {
        client.call("Datapath.activate_readonly", params("uri", uri, "domain", domain));
    }

    public void deactivate(String uri, String domain) throws IOException {
        client.call("Datapath.deactivate", params("uri", uri, "domain", domain));
    }

    public void detach(String uri, String domain) throws IOException {
        client.call("Datapath.detach", params("uri", uri, "domain", domain));
    }

    public void close(String uri) throws IOException {
        client.call("Datapath.close", params("uri", uri));
    }

    private Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dbg", dbg);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
