package org.smapimigrate.xapi.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The storage side of the stand-in: SM records, where each VDI's bytes live (for the HTTP
 * handlers), and SMAPIv3 SRs backed by real plugins.
 * <ul>
 * <li>SMAPIv1 SR types get SM records with required_api_version "1.0"; every volume plugin under
 *     the plugin root is queried ({@code Plugin.Query}) and registered as xapi-storage-script does:
 *     type = the query's {@code plugin} lower-cased, its required_api_version.</li>
 * <li>{@code SR.scan} of a SMAPIv3 SR: {@code SR.attach} with the PBD's device_config, then
 *     {@code SR.ls}, then XAPI's update_vdis (xapi-integration.md section 3): DB VDIs matched by
 *     location (the volume key); new ones created with the volume's uuid and empty
 *     sm_config/other_config/tags; name, description, type (key vdi-type), snapshot fields
 *     (keys is_a_snapshot, snapshot_time, snapshot_of resolved by location then uuid), read_only,
 *     sizes, sharable and cbt_enabled overwritten on every scan; DB VDIs not listed destroyed; a
 *     uuid already used elsewhere fails the whole scan. {@code SR.scan} of a SMAPIv1 SR changes
 *     nothing (the stand-in models no SMAPIv1 driver).</li>
 * <li>{@code VDI.create} on a SMAPIv3 SR runs {@code Volume.create} and {@code Volume.set vdi-type};
 *     elsewhere it makes a sparse file in the stand-in's data directory.</li>
 * </ul>
 */
final class StandInStorage {
    static final List<String> SMAPIV1_TYPES = List.of("ext", "nfs", "lvm", "lvmoiscsi", "lvmohba", "file", "smb",
            "iso", "udev", "dummy");
    private static final Set<String> VDI_TYPES = Set.of("system", "user", "ephemeral", "suspend", "crashdump",
            "ha_statefile", "metadata", "redo_log", "rrd", "pvs_cache", "cbt_metadata");

    private final StandInDatabase db;
    private final Path pluginRoot;
    private final Path dataDir;
    private final Map<String, Path> volumePlugins = new HashMap<>();
    private final Map<String, Path> backing = new HashMap<>();
    private final Set<String> owned = new HashSet<>();

    StandInStorage(StandInDatabase db, Path pluginRoot, Path dataDir) {
        this.db = db;
        this.pluginRoot = pluginRoot;
        this.dataDir = dataDir;
        for (String t : SMAPIV1_TYPES) {
            db.create("SM", Map.of("type", t, "name_label", t, "required_api_version", "1.0",
                    "driver_filename", "/opt/xensource/sm/" + t.toUpperCase(Locale.ROOT) + "SR"));
        }
        if (pluginRoot != null && Files.isDirectory(pluginRoot.resolve("volume"))) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(pluginRoot.resolve("volume"))) {
                for (Path dir : s) {
                    JsonNode q = PluginExecutable.call(dir, "Plugin.Query", Map.of("dbg", "stand-in"));
                    String type = q.path("plugin").asText().toLowerCase(Locale.ROOT);
                    volumePlugins.put(type, dir);
                    List<String> features = new ArrayList<>();
                    q.path("features").forEach(f -> features.add(f.asText()));
                    db.create("SM", Map.of("type", type, "name_label", q.path("name").asText(),
                            "name_description", q.path("description").asText(),
                            "vendor", q.path("vendor").asText(), "copyright", q.path("copyright").asText(),
                            "version", q.path("version").asText(),
                            "required_api_version", q.path("required_api_version").asText(),
                            "capabilities", features, "driver_filename", ""));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    boolean isSmapiV3(String srRef) {
        return volumePlugins.containsKey(db.row("SR", srRef).path("type").asText());
    }

    Path backing(String vdiRef) {
        Path p = backing.get(vdiRef);
        if (p == null) {
            throw new XapiFailure("VDI_MISSING", db.row("VDI", vdiRef).path("SR").asText(), vdiRef);
        }
        return p;
    }

    void setBacking(String vdiRef, Path file) {
        backing.put(vdiRef, file);
    }

    /** The SR string of an attached SMAPIv3 SR: SR.attach with the device_config of an attached PBD. */
    private String attach(String srRef) {
        ObjectNode sr = db.row("SR", srRef);
        for (JsonNode pbd : sr.path("PBDs")) {
            ObjectNode p = db.row("PBD", pbd.asText());
            if (p.path("currently_attached").asBoolean()) {
                JsonNode r = PluginExecutable.call(plugin(srRef), "SR.attach",
                        Map.of("dbg", "stand-in", "configuration", p.path("device_config")));
                return r.asText();
            }
        }
        throw new XapiFailure("SR_HAS_NO_PBDS", srRef);
    }

    private Path plugin(String srRef) {
        return volumePlugins.get(db.row("SR", srRef).path("type").asText());
    }

    void scan(String srRef) {
        if (!isSmapiV3(srRef)) {
            return;
        }
        String sr = attach(srRef);
        JsonNode volumes = PluginExecutable.call(plugin(srRef), "SR.ls", Map.of("dbg", "stand-in", "sr", sr));
        Map<String, String> byLocation = new HashMap<>();
        for (JsonNode v : db.row("SR", srRef).path("VDIs")) {
            byLocation.put(db.row("VDI", v.asText()).path("location").asText(), v.asText());
        }
        Map<String, String> newUuids = new LinkedHashMap<>();
        for (JsonNode vol : volumes) {
            String key = vol.path("key").asText();
            if (!byLocation.containsKey(key)) {
                String uuid = vol.path("uuid").asText("");
                uuid = isUuid(uuid) ? uuid : UUID.randomUUID().toString();
                if (db.refOfUuid("VDI", uuid).isPresent() || newUuids.containsValue(uuid)) {
                    throw new XapiFailure("INTERNAL_ERROR", "Db_exn.Uniqueness_constraint_violation(\"VDI\", \"uuid\", \""
                            + uuid + "\")");
                }
                newUuids.put(key, uuid);
            }
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode vol : volumes) {
            String key = vol.path("key").asText();
            String ref = byLocation.get(key);
            if (ref == null) {
                Map<String, Object> f = new HashMap<>();
                f.put("uuid", newUuids.get(key));
                f.put("SR", srRef);
                f.put("location", key);
                f.put("managed", true);
                ref = db.create("VDI", f);
                byLocation.put(key, ref);
            }
            seen.add(ref);
            updateFromVolume(ref, vol);
        }
        for (JsonNode vol : volumes) {
            String ref = byLocation.get(vol.path("key").asText());
            String of = vol.path("keys").path("snapshot_of").asText("");
            String target = of.isEmpty() ? null : byLocation.get(of);
            if (target == null && !of.isEmpty()) {
                target = db.refOfUuid("VDI", of).orElse(null);
            }
            db.set("VDI", ref, "snapshot_of", target == null ? StandInDatabase.NULL_REF : target);
        }
        for (String ref : new ArrayList<>(byLocation.values())) {
            if (!seen.contains(ref)) {
                db.destroy("VDI", ref);
                backing.remove(ref);
            }
        }
        JsonNode stat = PluginExecutable.call(plugin(srRef), "SR.stat", Map.of("dbg", "stand-in", "sr", sr));
        long total = stat.path("total_space").asLong();
        db.set("SR", srRef, "physical_size", total);
        db.set("SR", srRef, "physical_utilisation", total - stat.path("free_space").asLong());
    }

    private void updateFromVolume(String ref, JsonNode vol) {
        JsonNode keys = vol.path("keys");
        String type = keys.path("vdi-type").asText("user");
        db.set("VDI", ref, "name_label", vol.path("name").asText());
        db.set("VDI", ref, "name_description", vol.path("description").asText());
        db.set("VDI", ref, "type", VDI_TYPES.contains(type) ? type : "user");
        db.set("VDI", ref, "is_a_snapshot", "true".equals(keys.path("is_a_snapshot").asText()));
        db.set("VDI", ref, "snapshot_time", keys.path("snapshot_time").asText("19700101T00:00:00Z"));
        db.set("VDI", ref, "read_only", !vol.path("read_write").asBoolean(true));
        db.set("VDI", ref, "virtual_size", vol.path("virtual_size").asLong());
        db.set("VDI", ref, "physical_utilisation", vol.path("physical_utilisation").asLong());
        db.set("VDI", ref, "sharable", vol.path("sharable").asBoolean(false));
        db.set("VDI", ref, "cbt_enabled", vol.path("cbt_enabled").asBoolean(false));
        Path file = fileOf(vol);
        if (file != null) {
            backing.put(ref, file);
        }
    }

    /** The data file behind a volume, from its first file-backed URI (raw+file:///path). */
    private static Path fileOf(JsonNode vol) {
        for (JsonNode u : vol.path("uri")) {
            try {
                URI uri = URI.create(u.asText());
                if (uri.getScheme() != null && uri.getScheme().endsWith("file") && uri.getPath() != null) {
                    return Path.of(uri.getPath());
                }
            } catch (IllegalArgumentException e) {
                // not a URI we can read: no backing for HTTP transfer
            }
        }
        return null;
    }

    /** VDI.create (xapi-integration.md section 3): through the plugin on SMAPIv3, a sparse file elsewhere. */
    String createVdi(Map<String, Object> args) {
        String srRef = (String) args.get("SR");
        db.row("SR", srRef);
        long size = ((Number) args.get("virtual_size")).longValue();
        String type = String.valueOf(args.get("type")).toLowerCase(Locale.ROOT);
        if (type.equals("cbt_metadata")) {
            throw new XapiFailure("VDI_INCOMPATIBLE_TYPE", StandInDatabase.NULL_REF, "cbt_metadata");
        }
        if (size < 0) {
            throw new XapiFailure("SR_BACKEND_FAILURE_79", "", "VDI Invalid size", "");
        }
        Map<String, Object> f = new HashMap<>(args);
        if (isSmapiV3(srRef)) {
            String sr = attach(srRef);
            JsonNode vol = PluginExecutable.call(plugin(srRef), "Volume.create", Map.of("dbg", "stand-in", "sr", sr,
                    "name", args.getOrDefault("name_label", ""), "description", args.getOrDefault("name_description", ""),
                    "size", size, "sharable", args.getOrDefault("sharable", false)));
            String key = vol.path("key").asText();
            if (PluginExecutable.has(plugin(srRef), "Volume.set")) {
                PluginExecutable.call(plugin(srRef), "Volume.set", Map.of("dbg", "stand-in", "sr", sr, "key", key,
                        "k", "vdi-type", "v", type));
            }
            JsonNode stat = PluginExecutable.call(plugin(srRef), "Volume.stat", Map.of("dbg", "stand-in", "sr", sr,
                    "key", key));
            f.put("uuid", isUuid(stat.path("uuid").asText()) ? stat.path("uuid").asText() : UUID.randomUUID().toString());
            f.put("location", key);
            f.put("managed", true);
            String ref = db.create("VDI", f);
            updateFromVolume(ref, stat);
            return ref;
        }
        String uuid = UUID.randomUUID().toString();
        f.put("uuid", uuid);
        f.put("location", uuid);
        f.put("managed", true);
        String ref = db.create("VDI", f);
        Path file = dataDir.resolve(uuid + ".raw");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        } catch (IOException e) {
            throw new XapiFailure("SR_BACKEND_FAILURE_78", "", "VDICreate", e.getMessage());
        }
        backing.put(ref, file);
        owned.add(ref);
        return ref;
    }

    /** VDI.destroy's storage part: Volume.destroy on SMAPIv3, the file if the stand-in made it. */
    void destroyVdi(String vdiRef) {
        ObjectNode vdi = db.row("VDI", vdiRef);
        String srRef = vdi.path("SR").asText();
        if (db.exists("SR", srRef) && isSmapiV3(srRef)) {
            PluginExecutable.call(plugin(srRef), "Volume.destroy", Map.of("dbg", "stand-in", "sr", attach(srRef),
                    "key", vdi.path("location").asText()));
        } else if (owned.remove(vdiRef)) {
            try {
                Files.deleteIfExists(backing.get(vdiRef));
            } catch (IOException e) {
                throw new XapiFailure("SR_BACKEND_FAILURE_80", "", "VDIDelete", e.getMessage());
            }
        }
        backing.remove(vdiRef);
    }

    /**
     * The storage part of VDI.snapshot: Volume.snapshot on SMAPIv3 with the keys xapi-storage-script
     * sets (is_a_snapshot, snapshot_of = the parent's key, snapshot_time, vdi-type); elsewhere a
     * sparse copy of the data file ({@code cp --sparse=always}, which skips holes).
     */
    String snapshotVdi(String vdiRef, String time) {
        ObjectNode vdi = db.row("VDI", vdiRef);
        String srRef = vdi.path("SR").asText();
        Map<String, Object> f = new HashMap<>();
        f.put("SR", srRef);
        f.put("virtual_size", vdi.path("virtual_size").asLong());
        f.put("managed", true);
        if (isSmapiV3(srRef)) {
            String sr = attach(srRef);
            Path dir = plugin(srRef);
            String key = vdi.path("location").asText();
            JsonNode vol = PluginExecutable.call(dir, "Volume.snapshot", Map.of("dbg", "stand-in", "sr", sr, "key", key));
            String k = vol.path("key").asText();
            for (String[] kv : new String[][] {{"is_a_snapshot", "true"}, {"snapshot_of", key}, {"snapshot_time", time},
                    {"vdi-type", vdi.path("type").asText()}}) {
                PluginExecutable.call(dir, "Volume.set", Map.of("dbg", "stand-in", "sr", sr, "key", k, "k", kv[0], "v", kv[1]));
            }
            JsonNode stat = PluginExecutable.call(dir, "Volume.stat", Map.of("dbg", "stand-in", "sr", sr, "key", k));
            f.put("uuid", isUuid(stat.path("uuid").asText()) ? stat.path("uuid").asText() : UUID.randomUUID().toString());
            f.put("location", k);
            String ref = db.create("VDI", f);
            updateFromVolume(ref, stat);
            return ref;
        }
        String uuid = UUID.randomUUID().toString();
        f.put("uuid", uuid);
        f.put("location", uuid);
        String ref = db.create("VDI", f);
        Path copy = dataDir.resolve(uuid + ".raw");
        try {
            Process p = new ProcessBuilder("cp", "--sparse=always", backing(vdiRef).toString(), copy.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new XapiFailure("SR_BACKEND_FAILURE_82", "", "VDISnapshot", out.strip());
            }
        } catch (IOException e) {
            throw new XapiFailure("SR_BACKEND_FAILURE_82", "", "VDISnapshot", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new XapiFailure("SR_BACKEND_FAILURE_82", "", "VDISnapshot", "interrupted");
        }
        backing.put(ref, copy);
        owned.add(ref);
        return ref;
    }

    /**
     * VDI.set_name_label / set_name_description go to storage first on SMAPIv3 (Volume.set_name /
     * set_description), then into the database (xapi-integration.md section 3, "Metadata setters").
     */
    void rename(String vdiRef, boolean label, String value) {
        ObjectNode vdi = db.row("VDI", vdiRef);
        String srRef = vdi.path("SR").asText();
        if (db.exists("SR", srRef) && isSmapiV3(srRef)) {
            PluginExecutable.call(plugin(srRef), label ? "Volume.set_name" : "Volume.set_description",
                    Map.of("dbg", "stand-in", "sr", attach(srRef), "key", vdi.path("location").asText(),
                            label ? "new_name" : "new_description", value));
        }
        db.set("VDI", vdiRef, label ? "name_label" : "name_description", value);
    }

    static boolean isUuid(String s) {
        return s != null && s.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    }
}
