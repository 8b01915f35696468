package org.smapimigrate.plugin;

import com.fasterxml.jackson.databind.JavaType;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed calls of a volume plugin's Plugin, SR and Volume interfaces (plugin.ml, control.ml).
 * Parameters go out with their IDL types: sizes as JSON integers, flags as JSON booleans.
 */
public final class VolumePlugin {
    private final PluginClient client;
    private final String dbg;

    VolumePlugin(PluginClient client) {
        this(client, "smapi-migrate");
    }

    private VolumePlugin(PluginClient client, String dbg) {
        this.client = client;
        this.dbg = dbg;
    }

    /** The same plugin with another {@code dbg} string in every call (it shows up in plugin logs). */
    public VolumePlugin withDbg(String dbg) {
        return new VolumePlugin(client, dbg);
    }

    public String name() {
        return client.name();
    }

    public PluginClient client() {
        return client;
    }

    /** True when the plugin has an executable for {@code method}. */
    public boolean has(String method) throws IOException {
        return client.has(method);
    }

    /**
     * {@code Plugin.Query}, asked once per process and plugin executable: xapi-storage-script too
     * queries a plugin when it registers it, not before every call (main.ml, {@code QueryImpl}).
     */
    public QueryResult query() throws IOException {
        return QueryCache.get(client, () -> client.call("Plugin.Query", params())).result();
    }

    /**
     * What one call of this plugin takes, as its Plugin.Query took (now or, for a kept answer,
     * when it was asked): the price of a call in the plan's estimate.
     */
    public double querySeconds() throws IOException {
        return QueryCache.get(client, () -> client.call("Plugin.Query", params())).seconds();
    }

    /** {@code SR.create}: returns the configuration to keep and pass to {@link #srAttach}. */
    public Map<String, String> srCreate(String uuid, Map<String, String> configuration, String name,
                                        String description) throws IOException {
        return client.call("SR.create", params("uuid", uuid, "configuration", configuration, "name", name,
                "description", description), stringMap());
    }

    /** {@code SR.attach}: the opaque SR string every later call takes. */
    public String srAttach(Map<String, String> configuration) throws IOException {
        return client.call("SR.attach", params("configuration", configuration), String.class);
    }

    public void srDetach(String sr) throws IOException {
        client.call("SR.detach", params("sr", sr));
    }

    public void srDestroy(String sr) throws IOException {
        client.call("SR.destroy", params("sr", sr));
    }

    public SrStat srStat(String sr) throws IOException {
        return client.call("SR.stat", params("sr", sr), SrStat.class);
    }

    public List<Volume> srLs(String sr) throws IOException {
        return client.call("SR.ls", params("sr", sr),
                PluginJson.mapper().getTypeFactory().constructCollectionType(List.class, Volume.class));
    }

    public Volume volumeCreate(String sr, String name, String description, long size, boolean sharable)
            throws IOException {
        return client.call("Volume.create", params("sr", sr, "name", name, "description", description,
                "size", size, "sharable", sharable), Volume.class);
    }

    public Volume volumeStat(String sr, String key) throws IOException {
        return client.call("Volume.stat", params("sr", sr, "key", key), Volume.class);
    }

    public void volumeDestroy(String sr, String key) throws IOException {
        client.call("Volume.destroy", params("sr", sr, "key", key));
    }

    /**
     * {@code Volume.set}. Returns false without calling anything when the plugin has no such
     * method: xapi-storage-script treats a missing Volume.set as a no-op (interface doc section 6).
     */
    public boolean volumeSet(String sr, String key, String k, String v) throws IOException {
        if (!client.has("Volume.set")) {
            return false;
        }
        client.call("Volume.set", params("sr", sr, "key", key, "k", k, "v", v));
        return true;
    }

    /** {@code Volume.unset}; false when the plugin has no such method (a no-op, as for set). */
    public boolean volumeUnset(String sr, String key, String k) throws IOException {
        if (!client.has("Volume.unset")) {
            return false;
        }
        client.call("Volume.unset", params("sr", sr, "key", key, "k", k));
        return true;
    }

    public void volumeSetName(String sr, String key, String newName) throws IOException {
        client.call("Volume.set_name", params("sr", sr, "key", key, "new_name", newName));
    }

    public void volumeSetDescription(String sr, String key, String newDescription) throws IOException {
        client.call("Volume.set_description", params("sr", sr, "key", key, "new_description", newDescription));
    }

    public void volumeResize(String sr, String key, long newSize) throws IOException {
        client.call("Volume.resize", params("sr", sr, "key", key, "new_size", newSize));
    }

    public Volume volumeSnapshot(String sr, String key) throws IOException {
        return client.call("Volume.snapshot", params("sr", sr, "key", key), Volume.class);
    }

    public Volume volumeClone(String sr, String key) throws IOException {
        return client.call("Volume.clone", params("sr", sr, "key", key), Volume.class);
    }

    private Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dbg", dbg);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static JavaType stringMap() {
        return PluginJson.mapper().getTypeFactory().constructMapType(Map.class, String.class, String.class);
    }
}
