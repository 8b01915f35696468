package org.smapimigrate.lvm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.lvm.config.ConfigParser;
import org.smapimigrate.lvm.config.ConfigSection;
import org.smapimigrate.lvm.config.ConfigValue;

/**
 * Turns a parsed metadata text into a {@link VolumeGroup} (lvm2 {@code import_vsn1.c};
 * lvm2-ondisk.md §6). A malformed VG or PV section fails the whole VG with
 * {@code metadata-invalid}; a malformed or unsupported LV only marks that LV
 * ({@link LogicalVolume#problem()}) so that the rest of the VG stays readable.
 */
public final class MetadataImport {
    public static final String CONTENTS = "Text Format Volume Group";
    /** No extent size lvm allows comes near this; it keeps byte arithmetic far from overflow. */
    private static final long MAX_EXTENT_SECTORS = 1L << 32;

    private final String file;

    private MetadataImport(String file) {
        this.file = file;
    }

    /** Parses and imports a metadata text read from {@code file}. */
    public static VolumeGroup read(MetadataText text, String file) throws ImageDefectException {
        return read(ConfigParser.parse(text.text(), file, text::fileOffsetOf), file);
    }

    /** Imports a parsed metadata text (also a {@code vgcfgbackup} file, which shares the format). */
    public static VolumeGroup read(ConfigSection root, String file) throws ImageDefectException {
        return new MetadataImport(file).volumeGroup(root);
    }

    private VolumeGroup volumeGroup(ConfigSection root) throws ImageDefectException {
        String contents = string(root, "contents", "");
        if (!CONTENTS.equals(contents)) {
            throw invalid("", "contents is '" + contents + "', expected '" + CONTENTS + "'");
        }
        long version = integer(root, "version", "");
        if (version != 1) {
            throw invalid("", "metadata format version " + version + ", expected 1");
        }
        List<ConfigSection> top = root.sections();
        if (top.isEmpty()) {
            throw invalid("", "no volume group section");
        }
        ConfigSection vg = top.get(0);
        String at = vg.name();
        long extentSize = integer(vg, "extent_size", at);
        if (extentSize <= 0 || extentSize > MAX_EXTENT_SECTORS) {
            throw invalid(at + "/extent_size", "extent size of " + extentSize + " sectors is impossible");
        }
        ConfigSection pvSection = vg.section("physical_volumes")
                .orElseThrow(() -> invalid(at, "no physical_volumes section"));
        List<PhysicalVolume> pvs = new ArrayList<>();
        for (ConfigSection s : pvSection.sections()) {
            pvs.add(physicalVolume(s, at + "/physical_volumes/" + s.name(), extentSize));
        }
        if (pvs.isEmpty()) {
            throw invalid(at + "/physical_volumes", "the VG has no physical volumes");
        }
        Set<String> pvKeys = new HashSet<>();
        Set<String> pvIds = new HashSet<>();
        for (PhysicalVolume pv : pvs) {
            if (!pvKeys.add(pv.key()) || !pvIds.add(LvmUuid.bare(pv.id()))) {
                throw invalid(at + "/physical_volumes/" + pv.key(), "PV name or id appears twice");
            }
        }
        VolumeGroup partial = new VolumeGroup(at, string(vg, "id", at), integer(vg, "seqno", at),
                strings(vg, "status", at), strings(vg, "flags", at), strings(vg, "tags", at), extentSize, pvs,
                List.of());
        List<LogicalVolume> lvs = new ArrayList<>();
        Set<String> lvNames = new HashSet<>();
        for (ConfigSection s : vg.section("logical_volumes").map(ConfigSection::sections).orElse(List.of())) {
            if (!lvNames.add(s.name())) {
                throw invalid(at + "/logical_volumes/" + s.name(), "LV name appears twice");
            }
            lvs.add(logicalVolume(s, at + "/logical_volumes/" + s.name(), partial));
        }
        return new VolumeGroup(partial.name(), partial.id(), partial.seqno(), partial.status(), partial.flags(),
                partial.tags(), extentSize, pvs, lvs);
    }

    private PhysicalVolume physicalVolume(ConfigSection s, String at, long extentSize) throws ImageDefectException {
        String id = string(s, "id", at);
        if (!LvmUuid.isValidBare(LvmUuid.bare(id))) {
            throw invalid(at + "/id", "PV id '" + id + "' is not an LVM uuid");
        }
        long peStart = integer(s, "pe_start", at);
        long peCount = integer(s, "pe_count", at);
        // Keep every PV byte offset (pe_start + pe_count extents) inside a long.
        if (peStart < 0 || peCount < 0 || peStart > Long.MAX_VALUE / 1024
                || peCount > (Long.MAX_VALUE / 1024 - peStart) / extentSize) {
            throw invalid(at, "pe_start " + peStart + " / pe_count " + peCount + " are impossible");
        }
        long devSize = s.value("dev_size").isPresent() ? integer(s, "dev_size", at) : -1;
        String device = s.value("device").isPresent() ? string(s, "device", at) : null;
        return new PhysicalVolume(s.name(), id, device, strings(s, "status", at), strings(s, "flags", at),
                strings(s, "tags", at), devSize, peStart, peCount);
    }

    /** Never fails: what is wrong with the LV becomes its {@link LogicalVolume#problem()}. */
    private LogicalVolume logicalVolume(ConfigSection s, String at, VolumeGroup vg) {
        String id = null;
        List<String> status = List.of();
        List<String> flags = List.of();
        List<String> tags = List.of();
        long creationTime = -1;
        String creationHost = null;
        try {
            id = s.value("id").isPresent() ? string(s, "id", at) : null;
            status = strings(s, "status", at);
            flags = strings(s, "flags", at);
            tags = strings(s, "tags", at);
            creationTime = s.value("creation_time").isPresent() ? integer(s, "creation_time", at) : -1;
            creationHost = s.value("creation_host").isPresent() ? string(s, "creation_host", at) : null;
            List<Segment> segments = segments(s, at, vg);
            long extents = segments.isEmpty() ? 0 : segments.get(segments.size() - 1).endExtent();
            LogicalVolume.Problem problem = null;
            if (!LvmName.isValid(s.name())) {
                problem = new LogicalVolume.Problem("lv-name-invalid", "LV name \"" + s.name() + "\" is not one LVM"
                        + " allows (1-127 of a-z A-Z 0-9 + _ . -, not starting with '-'): the metadata was not"
                        + " written by LVM; the LV is not read");
            }
            for (Segment seg : segments) {
                if (problem == null && !seg.isStriped()) {
                    problem = new LogicalVolume.Problem("unsupported-segment", "LV " + s.name() + " "
                            + seg.name() + " has type '" + seg.type()
                            + "': only linear and striped segments can be read");
                    break;
                }
            }
            return new LogicalVolume(s.name(), id, status, flags, tags, creationTime, creationHost, segments,
                    extents, extents * vg.extentSizeBytes(), problem);
        } catch (ImageDefectException e) {
            return new LogicalVolume(s.name(), id, status, flags, tags, creationTime, creationHost, List.of(), 0, 0,
                    new LogicalVolume.Problem(e.code(), e.getMessage()));
        }
    }

    private List<Segment> segments(ConfigSection lv, String at, VolumeGroup vg) throws ImageDefectException {
        List<Segment> segments = new ArrayList<>();
        // lvm reads every subsection of an LV as a segment; their names carry no order.
        for (ConfigSection s : lv.sections()) {
            segments.add(segment(s, at + "/" + s.name(), vg));
        }
        if (lv.value("segment_count").isPresent()) {
            long declared = integer(lv, "segment_count", at);
            if (declared != segments.size()) {
                throw invalid(at + "/segment_count", "segment_count is " + declared + " but the LV has "
                        + segments.size() + " segments");
            }
        }
        segments.sort(Comparator.comparingLong(Segment::startExtent));
        long next = 0;
        for (Segment seg : segments) {
            if (seg.startExtent() != next) {
                throw invalid(at + "/" + seg.name(), "segment starts at extent " + seg.startExtent()
                        + ", expected " + next + ": segments must tile the LV without gaps or overlaps");
            }
            next = seg.endExtent();
        }
        // Keep the LV size in bytes inside a long.
        if (next > Long.MAX_VALUE / vg.extentSizeBytes()) {
            throw invalid(at, "the LV has " + next + " extents, an impossible size");
        }
        return segments;
    }

    private Segment segment(ConfigSection s, String at, VolumeGroup vg) throws ImageDefectException {
        long start = integer(s, "start_extent", at);
        long count = integer(s, "extent_count", at);
        if (start < 0 || count <= 0 || count > Long.MAX_VALUE / 2 - start) {
            throw invalid(at, "start_extent " + start + " / extent_count " + count + " are impossible");
        }
        String type = string(s, "type", at);
        if (!Segment.STRIPED.equals(type)) {
            return new Segment(s.name(), start, count, type, 0, 0, List.of());
        }
        long stripeCount = integer(s, "stripe_count", at);
        if (stripeCount < 1 || stripeCount > 1024 || count % stripeCount != 0) {
            throw invalid(at + "/stripe_count", "stripe_count " + stripeCount
                    + " does not divide the segment's " + count + " extents");
        }
        long stripeSize = 0;
        if (stripeCount > 1) {
            stripeSize = integer(s, "stripe_size", at);
            // dm-stripe chunks must tile each extent for the area arithmetic to hold.
            if (stripeSize <= 0 || vg.extentSize() % stripeSize != 0) {
                throw invalid(at + "/stripe_size", "stripe_size " + stripeSize
                        + " sectors does not divide the extent size of " + vg.extentSize() + " sectors");
            }
        }
        ConfigValue stripesValue = s.value("stripes").orElseThrow(() -> invalid(at, "no stripes list"));
        if (!(stripesValue instanceof ConfigValue.ListValue list) || list.items().size() != 2 * stripeCount) {
            throw invalid(at + "/stripes", "stripes must list " + stripeCount + " pairs of \"pvN\", start extent");
        }
        long areaExtents = count / stripeCount;
        List<StripeArea> areas = new ArrayList<>();
        for (int i = 0; i < stripeCount; i++) {
            if (!(list.items().get(2 * i) instanceof ConfigValue.Str pvName)
                    || !(list.items().get(2 * i + 1) instanceof ConfigValue.Int pe)) {
                throw invalid(at + "/stripes", "stripe " + i + " is not a \"pvN\", start extent pair");
            }
            PhysicalVolume pv = vg.pvByKey(pvName.value()).orElseThrow(() -> invalid(at + "/stripes",
                    "stripe names PV '" + pvName.value() + "', which the VG does not list"));
            if (pe.value() < 0 || pe.value() > pv.peCount() - areaExtents) {
                throw new ImageDefectException("extent-out-of-range", file, -1, at + ": stripe " + i + " uses PEs "
                        + pe.value() + "+" + areaExtents + " of " + pv.key() + ", which has " + pv.peCount());
            }
            areas.add(new StripeArea(pvName.value(), pe.value()));
        }
        return new Segment(s.name(), start, count, type, stripeCount, stripeSize, areas);
    }

    private String string(ConfigSection s, String key, String at) throws ImageDefectException {
        ConfigValue v = s.value(key).orElseThrow(() -> invalid(path(at, key), "missing"));
        if (v instanceof ConfigValue.Str str) {
            return str.value();
        }
        throw invalid(path(at, key), "expected a string");
    }

    private long integer(ConfigSection s, String key, String at) throws ImageDefectException {
        ConfigValue v = s.value(key).orElseThrow(() -> invalid(path(at, key), "missing"));
        if (v instanceof ConfigValue.Int i) {
            return i.value();
        }
        throw invalid(path(at, key), "expected an integer");
    }

    /** An optional list of strings ({@code status}, {@code flags}, {@code tags}); absent is empty. */
    private List<String> strings(ConfigSection s, String key, String at) throws ImageDefectException {
        var v = s.value(key);
        if (v.isEmpty()) {
            return List.of();
        }
        if (!(v.get() instanceof ConfigValue.ListValue list)) {
            throw invalid(path(at, key), "expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (ConfigValue item : list.items()) {
            if (!(item instanceof ConfigValue.Str str)) {
                throw invalid(path(at, key), "expected a list of strings");
            }
            out.add(str.value());
        }
        return out;
    }

    private static String path(String at, String key) {
        return at.isEmpty() ? key : at + "/" + key;
    }

    private ImageDefectException invalid(String at, String what) {
        return new ImageDefectException("metadata-invalid", file, -1,
                "LVM metadata " + (at.isEmpty() ? "" : at + ": ") + what);
    }
}
