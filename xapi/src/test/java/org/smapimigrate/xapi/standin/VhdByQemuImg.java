package org.smapimigrate.xapi.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * format=vhd for the stand-in's disk handlers, done by a real VHD implementation, qemu-img
 * (package qemu-utils), never by our own VHD code:
 * <ul>
 * <li>export: the VDI's bytes as a dynamic VHD in which blocks that are holes or all zeros are
 *     not allocated ({@code qemu-img convert -O vpc -o subformat=dynamic,force_size=on}), as
 *     XAPI's vhd-tool sends only allocated blocks (xapi-integration.md section 3: "holes are not
 *     sent" is why a client asks for vhd);</li>
 * <li>import: only the blocks the VHD allocates are written, the rest of the VDI is left as it
 *     was. That is what lets Xen Orchestra restore a delta backup by importing a delta VHD with
 *     format=vhd onto a clone of its base VDI, one VHD after another into the same VDI
 *     (vatesfr/xen-orchestra, xo-server importDeltaVm: {@code _cloneVdi(baseVdi)} then
 *     {@code _importVdiContent(vdi, stream, VDI_FORMAT_VHD)} per stream). Which blocks are
 *     allocated is what {@code qemu-img map} says (data: true).</li>
 * </ul>
 */
final class VhdByQemuImg {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VhdByQemuImg() {
    }

    /** A dynamic VHD of the first {@code size} bytes of the raw file {@code raw}, written to {@code vhd}. */
    static void export(Path raw, long size, Path vhd) throws IOException {
        if (Files.size(raw) != size) {
            throw new IOException("stand-in: backing file " + raw + " is not " + size + " bytes");
        }
        run("qemu-img", "convert", "-q", "-f", "raw", "-O", "vpc", "-o", "subformat=dynamic,force_size=on",
                raw.toString(), vhd.toString());
    }

    /**
     * Writes the allocated blocks of {@code vhd} into {@code raw} at their offsets; refuses a VHD
     * larger than {@code size} (the VDI's virtual size). Uses {@code scratch} for a raw copy.
     */
    static void apply(Path vhd, Path raw, long size, Path scratch) throws IOException {
        JsonNode info = JSON.readTree(run("qemu-img", "info", "--output=json", "-f", "vpc", vhd.toString()));
        long virtual = info.path("virtual-size").asLong(-1);
        if (virtual < 0 || virtual > size) {
            throw new IOException("a VHD of " + virtual + " bytes does not fit a VDI of " + size);
        }
        List<long[]> data = new ArrayList<>();
        for (JsonNode e : JSON.readTree(run("qemu-img", "map", "--output=json", "-f", "vpc", vhd.toString()))) {
            if (e.path("data").asBoolean()) {
                data.add(new long[] {e.path("start").asLong(), e.path("length").asLong()});
            }
        }
        run("qemu-img", "convert", "-q", "-f", "vpc", "-O", "raw", vhd.toString(), scratch.toString());
        try (FileChannel in = FileChannel.open(scratch); FileChannel out = FileChannel.open(raw, StandardOpenOption.WRITE)) {
            for (long[] d : data) {
                long done = 0;
                while (done < d[1]) {
                    long n = in.transferTo(d[0] + done, d[1] - done, out.position(d[0] + done));
                    if (n <= 0) {
                        throw new IOException("stand-in: short copy from " + scratch);
                    }
                    done += n;
                }
            }
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    private static byte[] run(String... command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new IOException("the XAPI stand-in needs qemu-img for format=vhd: install qemu-utils (" + e.getMessage()
                    + ")", e);
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + err);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }
}
