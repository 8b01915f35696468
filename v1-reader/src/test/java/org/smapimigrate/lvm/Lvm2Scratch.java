package org.smapimigrate.lvm;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scratch PV images driven by the real lvm2 tools (test-peers.md): sparse image files attached
 * to loop devices, lvm2 run with no udev, no device-mapper, and a filter that shows it only these
 * devices, writing no backup, archive or hints files on the host. After {@link #detach()}, data is
 * written into LVs where {@code lvs} says their extents are, straight into the image files.
 *
 * <p>Fails the test (never skips) when lvm2, losetup or loop devices are missing.
 */
public final class Lvm2Scratch implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final List<Path> images = new ArrayList<>();
    private final List<String> devices = new ArrayList<>();
    private final String lvm;
    private final String losetup;
    private String config;
    private boolean attached;
    private List<JsonNode> segments;
    private Map<String, Long> peStart;
    private long extentSize;

    private Lvm2Scratch(Path dir, String lvm, String losetup) {
        this.dir = dir;
        this.lvm = lvm;
        this.losetup = losetup;
    }

    /** {@code count} sparse images of {@code size} bytes, each attached to a loop device. */
    public static Lvm2Scratch create(int count, long size) throws Exception {
        String lvm = ExternalCommand.require("lvm", "lvm2");
        String losetup = ExternalCommand.require("losetup", "mount");
        Lvm2Scratch s = new Lvm2Scratch(Files.createTempDirectory("smapi-lvm2"), lvm, losetup);
        s.attached = true;
        try {
            for (int i = 0; i < count; i++) {
                Path image = s.dir.resolve("pv" + (i + 1) + ".img");
                try (FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.allocate(1), size - 1);
                }
                s.images.add(image);
                s.devices.add(s.attach(image));
            }
            StringBuilder filter = new StringBuilder("[");
            for (String d : s.devices) {
                filter.append("\"a|^").append(d).append("$|\",");
            }
            filter.append("\"r|.*|\"]");
            s.config = "devices{filter=" + filter + " global_filter=" + filter + " obtain_device_list_from_udev=0"
                    + " use_devicesfile=0 hints=\"none\"} activation{udev_sync=0 udev_rules=0 monitoring=0}"
                    + " global{use_lvmpolld=0 activation=0} backup{backup=0 archive=0}";
            return s;
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
    }

    private String attach(Path image) throws Exception {
        ExternalCommand.Result r = ExternalCommand.run(List.of(losetup, "-f", "--show", image.toString()));
        if (r.exit() != 0) {
            fail("cannot attach a loop device (losetup -f --show): " + r.err().strip() + "\nThis test needs"
                    + " root and loop devices: load the loop module (modprobe loop) and give the container"
                    + " /dev/loop-control and /dev/loop* (docker run --privileged, or --device for each).");
        }
        return r.out().strip();
    }

    public Path dir() {
        return dir;
    }

    public Path image(int i) {
        return images.get(i);
    }

    public String device(int i) {
        return devices.get(i);
    }

    /** The loop device an image of this scratch set was attached to. */
    public String deviceOf(Path image) {
        return devices.get(images.indexOf(image));
    }

    /** The image a loop device of this scratch set is attached to. */
    public Path imageOf(String device) {
        return images.get(devices.indexOf(device));
    }

    /** Runs {@code lvm <args[0]> --config ... <args[1..]>}; fails the test on a non-zero exit. */
    public String run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(lvm, args[0], "--config", config));
        cmd.addAll(Arrays.asList(args).subList(1, args.length));
        return ExternalCommand.check(cmd);
    }

    /** A JSON report ({@code vgs}, {@code pvs}, {@code lvs}) in bytes: the rows of {@code kind}. */
    public List<JsonNode> report(String command, String kind, String fields, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(command, "--reportformat", "json", "--units", "b",
                "--nosuffix", "-o", fields));
        args.addAll(List.of(extra));
        List<JsonNode> rows = new ArrayList<>();
        JSON.readTree(run(args.toArray(new String[0]))).get("report").get(0).get(kind).forEach(rows::add);
        return rows;
    }

    /**
     * Records where lvm2 put every LV of {@code vg} ({@code lvs --segments}, {@code pvs}) and
     * detaches the loop devices; {@link #writeLv} can then write into the images.
     *
     * @return the {@code lvs --segments} rows
     */
    public List<JsonNode> detach(String vg) throws Exception {
        segments = report("lvs", "seg", "lv_name,lv_uuid,lv_size,lv_attr,lv_tags,segtype,stripes,stripe_size,"
                + "seg_start_pe,seg_size_pe,seg_pe_ranges", "--segments", vg);
        extentSize = report("vgs", "vg", "vg_extent_size", vg).get(0).get("vg_extent_size").asLong();
        peStart = new HashMap<>();
        for (JsonNode p : report("pvs", "pv", "pv_name,pe_start")) {
            peStart.put(p.get("pv_name").asText(), p.get("pe_start").asLong());
        }
        detach();
        return segments;
    }

    private void detach() throws Exception {
        if (attached) {
            attached = false;
            for (String d : devices) {
                ExternalCommand.run(List.of(losetup, "-d", d));
            }
        }
    }

    /**
     * Writes {@code data} at {@code lvOffset} of LV {@code lv}, placing each byte where the
     * {@code lvs} report puts it: linear segments extent by extent, striped ones chunk by chunk
     * round-robin over their areas (dm-stripe).
     */
    public void writeLv(String lv, long lvOffset, byte[] data) throws IOException {
        long e = extentSize;
        int done = 0;
        while (done < data.length) {
            long x = lvOffset + done;
            JsonNode seg = segmentAt(lv, x / e);
            long segStart = seg.get("seg_start_pe").asLong() * e;
            long segEnd = segStart + seg.get("seg_size_pe").asLong() * e;
            String[] areas = seg.get("seg_pe_ranges").asText().split(" ");
            int n = areas.length;
            long o = x - segStart;
            long chunk = n == 1 ? segEnd - segStart : seg.get("stripe_size").asLong();
            long k = o / chunk;
            String[] area = areas[(int) (k % n)].split(":");
            long firstPe = Long.parseLong(area[1].split("-")[0]);
            long pvByte = peStart.get(area[0]) + firstPe * e + (k / n) * chunk + o % chunk;
            int len = (int) Math.min(data.length - done, chunk - o % chunk);
            try (FileChannel ch = FileChannel.open(imageOf(area[0]), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(data, done, len), pvByte);
            }
            done += len;
        }
    }

    private JsonNode segmentAt(String lv, long le) {
        for (JsonNode s : segments) {
            long start = s.get("seg_start_pe").asLong();
            if (s.get("lv_name").asText().equals(lv) && le >= start && le < start + s.get("seg_size_pe").asLong()) {
                return s;
            }
        }
        throw new IllegalArgumentException("lvs reports no extent " + le + " of " + lv);
    }

    /** Detaches the loop devices if still attached and deletes the images. */
    @Override
    public void close() throws Exception {
        try {
            detach();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
