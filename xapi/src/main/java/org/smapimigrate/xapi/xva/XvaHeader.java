package org.smapimigrate.xapi.xva;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.smapimigrate.disk.ImageDefectException;

/**
 * What {@code ova.xml} says that a reader needs (xva-format.md sections 3 and 4): the VM, the disks
 * with data in the archive, in the order their chunks follow (export ids compared as strings,
 * {@code Stream_vdi.for_each_vdi}), and the export version. Objects are found by {@code class},
 * never by id number (ids come from a process-wide counter).
 *
 * @param vmName    the VM's name_label, or null when ova.xml holds no VM
 * @param vmUuid    the VM's uuid when well-formed, else null
 * @param exportVsn {@code version.export_vsn}, 0 when missing; below 2 a checksum table follows the disks
 * @param disks     the disks with data, in archive order
 */
public record XvaHeader(String vmName, String vmUuid, int exportVsn, List<XvaVdi> disks) {
    static final Pattern REF = Pattern.compile("Ref:[0-9]{1,18}");
    static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** 2^50 bytes (1 PiB): far above any VDI XAPI allows (2 TiB VHD, 16 TiB raw); below it no offset overflows. */
    static final long MAX_VIRTUAL_SIZE = 1L << 50;

    public XvaHeader {
        disks = List.copyOf(disks);
    }

    /** The disk with export id {@code ref}, or null. */
    public XvaVdi disk(String ref) {
        return disks.stream().filter(d -> d.ref().equals(ref)).findFirst().orElse(null);
    }

    /** Reads the parsed XML-RPC value; {@code file} names the archive in errors. */
    static XvaHeader of(Object root, String file) throws ImageDefectException {
        Fields top = new Fields(root, "ova.xml", file);
        Map<String, Object> version = top.structOrEmpty("version");
        int vsn = 0;
        Object v = version.get("export_vsn");
        if (v instanceof String s) {
            try {
                vsn = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw top.defect("version.export_vsn is '" + OneLineText.of(s) + "', not a number");
            }
        }
        List<Object> objects = top.list("objects");
        Map<String, Fields> vdis = new HashMap<>();
        Map<String, Fields> srs = new HashMap<>();
        List<Fields> vbds = new ArrayList<>();
        List<Fields> vms = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            Fields o = new Fields(objects.get(i), "ova.xml objects[" + i + "]", file);
            String cls = o.string("class");
            String id = o.string("id");
            Fields snapshot = new Fields(o.struct("snapshot"), cls + " " + OneLineText.of(id), file);
            switch (cls) {
                case "VDI" -> {
                    if (vdis.put(id, snapshot) != null) {
                        throw o.defect("two VDI objects have the id " + OneLineText.of(id));
                    }
                }
                case "SR" -> srs.put(id, snapshot);
                case "VBD" -> vbds.add(snapshot);
                case "VM" -> {
                    if (!Boolean.TRUE.equals(snapshot.raw("is_a_snapshot"))) {
                        vms.add(snapshot);
                    }
                }
                default -> {
                    // hosts, networks, VIFs, metrics...: nothing a disk reader needs
                }
            }
        }
        // import.ml, non_cdrom_vdis: VDIs behind a VBD that is not a CD, on an SR that is not an
        // ISO library, plus suspend images. Other VDI objects (CD images) carry no data.
        Map<String, String> device = new HashMap<>();
        Set<String> withData = new HashSet<>();
        for (Fields vbd : vbds) {
            String vdi = vbd.stringOr("VDI", "OpaqueRef:NULL");
            Fields rec = vdis.get(vdi);
            if (rec == null || vbd.stringOr("type", "").equalsIgnoreCase("CD")) {
                continue;
            }
            Fields sr = srs.get(rec.stringOr("SR", ""));
            if (sr != null && sr.stringOr("content_type", "").equals("iso")) {
                continue;
            }
            withData.add(vdi);
            device.putIfAbsent(vdi, vbd.stringOr("userdevice", null));
        }
        for (Map.Entry<String, Fields> e : vdis.entrySet()) {
            if (e.getValue().stringOr("type", "").equals("suspend")) {
                withData.add(e.getKey());
            }
        }
        List<XvaVdi> disks = new ArrayList<>();
        for (String ref : withData) {
            Fields rec = vdis.get(ref);
            if (!REF.matcher(ref).matches()) {
                // The id is the tar directory of the chunks: nothing but Ref:<digits> is accepted.
                throw rec.defect("the export id '" + OneLineText.of(ref) + "' is not Ref:<number>");
            }
            long size = rec.size("virtual_size");
            String uuid = rec.stringOr("uuid", null);
            disks.add(new XvaVdi(ref, uuid != null && UUID.matcher(uuid).matches() ? uuid.toLowerCase() : null,
                    rec.stringOr("name_label", ""), rec.stringOr("name_description", ""), size, device.get(ref),
                    rec.stringOr("type", "")));
        }
        disks.sort(Comparator.comparing(XvaVdi::ref));
        // A uuid two disks claim (a forged or hand-edited ova.xml) names neither: both go by Ref.
        Map<String, Integer> uuids = new HashMap<>();
        disks.forEach(d -> uuids.merge(String.valueOf(d.uuid()), 1, Integer::sum));
        disks.replaceAll(d -> d.uuid() != null && uuids.get(d.uuid()) > 1 ? new XvaVdi(d.ref(), null, d.name(),
                d.description(), d.virtualSize(), d.userdevice(), d.type()) : d);
        String vmName = null;
        String vmUuid = null;
        if (!vms.isEmpty()) {
            vmName = vms.get(0).stringOr("name_label", "");
            String u = vms.get(0).stringOr("uuid", null);
            vmUuid = u != null && UUID.matcher(u).matches() ? u.toLowerCase() : null;
        }
        return new XvaHeader(vmName, vmUuid, vsn, disks);
    }

    /** Typed access to one struct of ova.xml, with errors naming where in the file. */
    private static final class Fields {
        private final Map<?, ?> map;
        private final String where;
        private final String file;

        Fields(Object struct, String where, String file) throws ImageDefectException {
            this.where = where;
            this.file = file;
            if (!(struct instanceof Map<?, ?> m)) {
                throw defect(where, file, "is not a struct");
            }
            this.map = m;
        }

        Object raw(String key) {
            return map.get(key);
        }

        String string(String key) throws ImageDefectException {
            Object v = map.get(key);
            if (!(v instanceof String s)) {
                throw defect(v == null ? "has no " + key : "field " + key + " is not a string");
            }
            return s;
        }

        String stringOr(String key, String otherwise) throws ImageDefectException {
            return map.containsKey(key) ? string(key) : otherwise;
        }

        long size(String key) throws ImageDefectException {
            String s = string(key).trim();
            long n;
            try {
                n = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw defect("field " + key + " is '" + OneLineText.of(s) + "', not a number of bytes");
            }
            if (n < 0 || n > MAX_VIRTUAL_SIZE) {
                throw defect("field " + key + " is " + n + " bytes, outside 0.." + MAX_VIRTUAL_SIZE);
            }
            return n;
        }

        Map<?, ?> struct(String key) throws ImageDefectException {
            Object v = map.get(key);
            if (!(v instanceof Map<?, ?> m)) {
                throw defect(v == null ? "has no " + key : "field " + key + " is not a struct");
            }
            return m;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> structOrEmpty(String key) throws ImageDefectException {
            return map.containsKey(key) ? (Map<String, Object>) struct(key) : Map.of();
        }

        @SuppressWarnings("unchecked")
        List<Object> list(String key) throws ImageDefectException {
            Object v = map.get(key);
            if (!(v instanceof List<?> l)) {
                throw defect(v == null ? "has no " + key : "field " + key + " is not an array");
            }
            return (List<Object>) l;
        }

        ImageDefectException defect(String what) {
            return defect(where, file, what);
        }

        private static ImageDefectException defect(String where, String file, String what) {
            return new ImageDefectException("xva-bad-metadata", file, -1, where + " " + what
                    + "; the archive's ova.xml is damaged or not xapi's");
        }
    }
}
