package org.smapimigrate.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a batch job file (YAML, or JSON, which YAML 1.2 contains; a {@code .json} name is read by
 * the JSON parser). Every unknown key and bad value is refused with the file, line and key, so a
 * typo never silently becomes a default. Relative paths are taken from the file's directory, so a
 * timer can start the run from anywhere. The shape is in {@code examples/batch/jobs.yaml}:
 * <pre>
 * jobs:
 *   - name: night-1                  # [A-Za-z0-9._-], unique: names the job's state directory
 *     source: { sr: [/srv/sr1] }     # one SR path or a list; or { xva: [vm.xva, ...] }; or
 *                                    # { xapi: { url: https://pool, password-file: pw, vms: [web] } }
 *     selection: all                 # or { vdis: [uuid, ...] } (XVA disks also by name or Ref:N)
 *     target: { target-sr: /srv/v3 } # or volume-plugin + sr-config (+ plugins)
 *     options: { verification: full, window: "22:00-06:00", bandwidth: 200MiB/s, concurrency: 1, retries: 3,
 *                force: [risk-code] }
 * </pre>
 */
public final class JobFile {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** An XVA disk's other names: its export id, or a name label without control characters. */
    private static final Pattern XVA_DISK = Pattern.compile("Ref:[0-9]{1,9}|[^\\p{Cntrl}]{1,255}");
    private static final Pattern RISK_CODE = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private final Path file;
    private final Path base;

    private JobFile(Path file) {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        this.base = parent == null ? Path.of(".").toAbsolutePath() : parent;
    }

    /** The jobs of this file; throws {@link JobFileError} naming file, line and key. */
    public static List<Job> read(Path file) {
        return new JobFile(file).read();
    }

    private List<Job> read() {
        JsonFactory factory = file.getFileName().toString().endsWith(".json") ? new JsonFactory() : new YAMLFactory();
        Node root;
        try (JsonParser p = factory.createParser(file.toFile())) {
            if (p.nextToken() == null) {
                throw at(1, "jobs", "the file is empty; list the jobs under 'jobs:'");
            }
            root = Node.read(p, "", this::at);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            throw at(line, "(syntax)", e.getOriginalMessage().lines().findFirst().orElse("unreadable"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read job file " + file + ": " + e.getMessage(), e);
        }
        Map<String, Node> top = map(root, "jobs");
        only(top, Set.of("jobs"), root);
        Node jobs = required(top, "jobs", root);
        if (jobs.kind != Node.Kind.LIST || jobs.list.isEmpty()) {
            throw at(jobs.line, "jobs", "must be a list of at least one job");
        }
        List<Job> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Node j : jobs.list) {
            Job job = job(j);
            if (!names.add(job.name())) {
                throw at(j.map.get("name").line, j.key + ".name", "'" + job.name() + "' names two jobs; names must be unique");
            }
            out.add(job);
        }
        return out;
    }

    private Job job(Node j) {
        Map<String, Node> m = map(j, j.key);
        only(m, Set.of("name", "source", "selection", "target", "options"), j);
        Node nameNode = required(m, "name", j);
        String name = scalar(nameNode);
        if (!NAME.matcher(name).matches()) {
            throw at(nameNode.line, nameNode.key, "'" + name + "' is not a job name; use letters, digits, '.', '_', '-'"
                    + " (up to 64, starting with a letter or digit): it names the job's state directory");
        }
        Node sourceNode = required(m, "source", j);
        Map<String, Node> sm = map(sourceNode, sourceNode.key);
        Job.SourceKind kind = sm.containsKey("xapi") ? Job.SourceKind.VM
                : sm.containsKey("xva") ? Job.SourceKind.XVA : Job.SourceKind.SR;
        if (kind == Job.SourceKind.VM) {
            return vmJob(name, j, m, sourceNode);
        }
        List<Path> srs = source(sourceNode);
        List<String> vdis = selection(required(m, "selection", j), kind);
        Node target = required(m, "target", j);
        Map<String, Node> t = map(target, target.key);
        if (t.containsKey("pool-sr")) {
            throw at(t.get("pool-sr").line, target.key + ".pool-sr", "goes with a source of VMs through XAPI"
                    + " (source: { xapi: ... }); name an SMAPIv3 SR here with target-sr or volume-plugin");
        }
        only(t, Set.of("target-sr", "volume-plugin", "sr-config", "plugins"), target);
        Path targetSr = t.containsKey("target-sr") ? path(t.get("target-sr")) : null;
        String plugin = t.containsKey("volume-plugin") ? scalar(t.get("volume-plugin")) : null;
        Map<String, String> srConfig = new LinkedHashMap<>();
        if (t.containsKey("sr-config")) {
            Node c = t.get("sr-config");
            for (Map.Entry<String, Node> e : map(c, c.key).entrySet()) {
                srConfig.put(e.getKey(), scalar(e.getValue()));
            }
        }
        Path plugins = t.containsKey("plugins") ? path(t.get("plugins")) : null;
        if ((targetSr == null) == (plugin == null)) {
            throw at(target.line, target.key, "name exactly one of target-sr (bundled plugin) or volume-plugin");
        }
        if (targetSr != null && !srConfig.isEmpty()) {
            throw at(t.get("sr-config").line, target.key + ".sr-config", "goes with volume-plugin, not target-sr");
        }
        Options o = options(m);
        return new Job(name, srs, vdis, targetSr, plugin, srConfig, plugins, o.window, o.bandwidth, o.concurrency,
                o.retries, kind, o.force);
    }

    /** A job's options, defaults where absent. */
    private static final class Options {
        Optional<Window> window = Optional.empty();
        OptionalLong bandwidth = OptionalLong.empty();
        int concurrency = 1;
        int retries = 2;
        List<String> force = new ArrayList<>();
    }

    private Options options(Map<String, Node> m) {
        Options out = new Options();
        Optional<Window> window = out.window;
        OptionalLong bandwidth = out.bandwidth;
        int concurrency = out.concurrency;
        int retries = out.retries;
        List<String> force = out.force;
        if (m.containsKey("options")) {
            Node o = m.get("options");
            Map<String, Node> om = map(o, o.key);
            only(om, Set.of("verification", "window", "bandwidth", "concurrency", "retries", "force"), o);
            if (om.containsKey("verification")) {
                Node v = om.get("verification");
                if (!scalar(v).equals("full")) {
                    throw at(v.line, v.key, "'" + scalar(v) + "' is not offered: every volume is verified in full"
                            + " (write 'full' or leave it out)");
                }
            }
            if (om.containsKey("window")) {
                Node w = om.get("window");
                window = Optional.of(value(w, () -> Window.parse(scalar(w))));
            }
            if (om.containsKey("bandwidth")) {
                Node b = om.get("bandwidth");
                bandwidth = OptionalLong.of(value(b, () -> Bandwidth.parse(scalar(b))));
            }
            if (om.containsKey("concurrency")) {
                concurrency = count(om.get("concurrency"), 1, 16);
            }
            if (om.containsKey("retries")) {
                retries = count(om.get("retries"), 0, 20);
            }
            if (om.containsKey("force")) {
                for (Node c : list(om.get("force"))) {
                    String code = scalar(c);
                    if (!RISK_CODE.matcher(code).matches()) {
                        throw at(c.line, c.key, "'" + code + "' is not a risk code; write the codes 'plan' lists,"
                                + " e.g. block-cut-short");
                    }
                    force.add(code);
                }
            }
        }
        out.window = window;
        out.bandwidth = bandwidth;
        out.concurrency = concurrency;
        out.retries = retries;
        return out;
    }

    /**
     * A job of VMs through XAPI, moved as 'migrate --xapi URL --vm NAME --target-sr SR' moves them:
     * <pre>
     * source: { xapi: { url: https://pool, password-file: pw, ca: ca.pem, vms: [web, db] } }  # or sr: NAME|UUID
     * selection: all
     * target: { pool-sr: "SMAPIv3 SR" }
     * </pre>
     * A password in the job file is refused: it would sit in a file every host reads and in backups.
     */
    private Job vmJob(String name, Node j, Map<String, Node> m, Node sourceNode) {
        Map<String, Node> sm = map(sourceNode, sourceNode.key);
        only(sm, Set.of("xapi"), sourceNode);
        Node x = sm.get("xapi");
        Map<String, Node> xm = map(x, x.key);
        if (xm.containsKey("password")) {
            throw at(xm.get("password").line, x.key + ".password", "a password never goes in the job file; write"
                    + " password-file: FILE (the password on one line, readable by root only), or set XAPI_PASSWORD"
                    + " in the run's environment");
        }
        only(xm, Set.of("url", "user", "password-file", "ca", "fingerprint", "transport", "vms", "sr"), x);
        String url = scalar(required(xm, "url", x));
        if (!(url.startsWith("https://") || url.startsWith("unix:"))) {
            throw at(xm.get("url").line, x.key + ".url", "'" + url.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a pool address; write https://HOST[:PORT] or unix:/var/lib/xcp/xapi");
        }
        String user = xm.containsKey("user") ? scalar(xm.get("user")) : null;
        Path passwordFile = xm.containsKey("password-file") ? path(xm.get("password-file")) : null;
        Path ca = xm.containsKey("ca") ? path(xm.get("ca")) : null;
        String fingerprint = xm.containsKey("fingerprint") ? scalar(xm.get("fingerprint")) : null;
        if (ca != null && fingerprint != null) {
            throw at(xm.get("fingerprint").line, x.key + ".fingerprint", "name ca or fingerprint, not both");
        }
        String transport = null;
        if (xm.containsKey("transport")) {
            Node tn = xm.get("transport");
            transport = scalar(tn);
            if (!transport.equals("local") && !transport.equals("xapi")) {
                throw at(tn.line, tn.key, "'" + transport.replaceAll("\\p{Cntrl}", "?") + "' is not a transport;"
                        + " write local or xapi");
            }
        }
        if (xm.containsKey("vms") == xm.containsKey("sr")) {
            throw at(x.line, x.key, "name the VMs (vms: [name or uuid, ...]) or a pool SR whose VMs move (sr: NAME),"
                    + " one of the two");
        }
        List<String> vms = new ArrayList<>();
        if (xm.containsKey("vms")) {
            for (Node v : list(xm.get("vms"))) {
                String n = scalar(v);
                if (n.isEmpty() || n.length() > 255 || n.chars().anyMatch(Character::isISOControl)) {
                    throw at(v.line, v.key, "is not a VM name or uuid");
                }
                vms.add(n);
            }
        }
        String sr = xm.containsKey("sr") ? scalar(xm.get("sr")) : null;
        Node sel = required(m, "selection", j);
        if (sel.kind != Node.Kind.SCALAR || !sel.text.equals("all")) {
            throw at(sel.line, sel.key, "a job of VMs moves every disk of its VMs: write selection: all, and choose"
                    + " the VMs with source.xapi.vms");
        }
        Node target = required(m, "target", j);
        Map<String, Node> t = map(target, target.key);
        only(t, Set.of("pool-sr"), target);
        String poolSr = scalar(required(t, "pool-sr", target));
        Options o = options(m);
        return new Job(name, List.of(), List.of(), null, null, Map.of(), null, o.window, o.bandwidth, o.concurrency,
                o.retries, Job.SourceKind.VM, o.force,
                new Job.Xapi(url, user, passwordFile, ca, fingerprint, transport, vms, sr), poolSr);
    }

    private List<Path> source(Node s) {
        Map<String, Node> m = map(s, s.key);
        only(m, Set.of("sr", "xva", "xapi"), s);
        if (m.containsKey("sr") && m.containsKey("xva")) {
            throw at(m.get("xva").line, s.key + ".xva", "a job reads SRs or XVA files, not both; make two jobs");
        }
        String k = m.containsKey("xva") ? "xva" : "sr";
        Node sr = required(m, k, s);
        List<Path> out = new ArrayList<>();
        for (Node n : sr.kind == Node.Kind.LIST ? list(sr) : List.of(sr)) {
            out.add(path(n));
        }
        return out;
    }

    /** A non-empty list. */
    private List<Node> list(Node n) {
        if (n.kind != Node.Kind.LIST || n.list.isEmpty()) {
            throw at(n.line, n.key, "must be a list of at least one value");
        }
        return n.list;
    }

    private List<String> selection(Node s, Job.SourceKind kind) {
        if (s.kind == Node.Kind.SCALAR) {
            if (!s.text.equals("all")) {
                throw at(s.line, s.key, "'" + s.text + "' is not a selection; write 'all' or { vdis: [uuid, ...] }");
            }
            return List.of();
        }
        Map<String, Node> m = map(s, s.key);
        only(m, Set.of("vdis"), s);
        Node v = required(m, "vdis", s);
        if (v.kind != Node.Kind.LIST || v.list.isEmpty()) {
            throw at(v.line, v.key, "must be a list of at least one VDI uuid (or write selection: all)");
        }
        List<String> out = new ArrayList<>();
        for (Node n : v.list) {
            String u = scalar(n);
            if (UUID.matcher(u).matches()) {
                out.add(u.toLowerCase(java.util.Locale.ROOT));
            } else if (kind == Job.SourceKind.XVA && XVA_DISK.matcher(u).matches()) {
                out.add(u); // a disk's name or Ref:N, resolved against the archive's ova.xml
            } else {
                throw at(n.line, n.key, "'" + u.replaceAll("\\p{Cntrl}", "?") + "' is not a VDI uuid (8-4-4-4-12 hex digits)"
                        + (kind == Job.SourceKind.XVA ? ", a disk name or Ref:N" : ""));
            }
        }
        return out;
    }

    private int count(Node n, int min, int max) {
        String s = scalar(n);
        try {
            int v = Integer.parseInt(s);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the one message
        }
        throw at(n.line, n.key, "'" + s + "' is not a whole number from " + min + " to " + max);
    }

    private Path path(Node n) {
        String s = scalar(n);
        if (s.isEmpty() || s.indexOf('\0') >= 0) {
            throw at(n.line, n.key, "is not a path");
        }
        try {
            return base.resolve(s).normalize();
        } catch (InvalidPathException e) {
            throw at(n.line, n.key, "is not a path: " + e.getReason());
        }
    }

    private <T> T value(Node n, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw at(n.line, n.key, e.getMessage());
        }
    }

    private String scalar(Node n) {
        if (n.kind != Node.Kind.SCALAR) {
            throw at(n.line, n.key, "must be a single value, not " + describe(n));
        }
        return n.text;
    }

    private Map<String, Node> map(Node n, String key) {
        if (n.kind != Node.Kind.MAP) {
            throw at(n.line, key.isEmpty() ? "(top)" : key, "must be a mapping of keys, not " + describe(n));
        }
        return n.map;
    }

    private Node required(Map<String, Node> m, String key, Node parent) {
        Node n = m.get(key);
        if (n == null || n.kind == Node.Kind.NULL) {
            throw at(n == null ? parent.line : n.line, parent.key.isEmpty() ? key : parent.key + "." + key, "is missing");
        }
        return n;
    }

    private void only(Map<String, Node> m, Set<String> known, Node parent) {
        for (Map.Entry<String, Node> e : m.entrySet()) {
            if (!known.contains(e.getKey())) {
                String path = parent.key.isEmpty() ? e.getKey() : parent.key + "." + e.getKey();
                throw at(e.getValue().line, path, "unknown key; known here: " + String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
    }

    private static String describe(Node n) {
        return switch (n.kind) {
            case MAP -> "a mapping";
            case LIST -> "a list";
            case NULL -> "nothing";
            case SCALAR -> "a single value";
        };
    }

    private JobFileError at(int line, String key, String problem) {
        return new JobFileError(file, line, key, problem);
    }
}
