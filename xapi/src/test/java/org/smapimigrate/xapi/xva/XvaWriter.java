package org.smapimigrate.xapi.xva;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes XVA archives for tests, from xva-format.md (not from our reader): ova.xml as ocaml-rpc
 * writes it (untyped strings and 64-bit ints, typed booleans, no XML declaration), then per disk in
 * export-id string order {@code Ref:N/%08d} members of 1 MiB, each followed by its {@code .xxhash}
 * (XXH64, 16 upper-case hex digits) or {@code .checksum} (SHA-1, lower-case hex) member, optionally
 * omitting all-zero chunks (never the first or last) and emitting keep-alive members (empty, the
 * data then under the next number), then two zero blocks and nothing else (no 10 KiB record
 * padding). gzip and zstd through the system tools, as a pipe, like {@code use_compression}.
 */
public final class XvaWriter {
    public enum Checksum { XXHASH, SHA1 }

    public enum Compression { NONE, GZIP, ZSTD }

    /** Disk content: {@code bytes} of length {@code size}, or read from {@code file}. */
    public record Disk(String ref, String uuid, String name, long size, byte[] bytes, Path file, String userdevice) {
        public static Disk of(String ref, String uuid, String name, byte[] bytes, String userdevice) {
            return new Disk(ref, uuid, name, bytes.length, bytes, null, userdevice);
        }

        public static Disk ofFile(String ref, String uuid, String name, Path file, String userdevice) throws IOException {
            return new Disk(ref, uuid, name, Files.size(file), null, file, userdevice);
        }
    }

    private final List<Disk> disks = new ArrayList<>();
    private String vmName = "test VM";
    private String vmUuid = "5b8f0e4c-1d2a-4c3b-9e8f-7a6b5c4d3e2f";
    private Checksum checksum = Checksum.XXHASH;
    private Compression compression = Compression.NONE;
    private boolean omitZeroChunks;
    private boolean keepAlives;
    private boolean cdrom = true;

    public XvaWriter disk(Disk d) {
        disks.add(d);
        return this;
    }

    public XvaWriter vm(String name, String uuid) {
        vmName = name;
        vmUuid = uuid;
        return this;
    }

    public XvaWriter checksum(Checksum c) {
        checksum = c;
        return this;
    }

    public XvaWriter compression(Compression c) {
        compression = c;
        return this;
    }

    /** Leave out all-zero chunks other than the first and last, as every export path may. */
    public XvaWriter omitZeroChunks(boolean on) {
        omitZeroChunks = on;
        return this;
    }

    /** Before each omitted chunk, an empty keep-alive member (xapi's raw path after 5 s of nothing sent). */
    public XvaWriter keepAlives(boolean on) {
        keepAlives = on;
        return this;
    }

    public XvaWriter cdrom(boolean on) {
        cdrom = on;
        return this;
    }

    public void write(Path out) throws IOException {
        try (OutputStream file = Files.newOutputStream(out)) {
            if (compression == Compression.NONE) {
                writeTar(file);
                return;
            }
            String[] cmd = compression == Compression.GZIP ? new String[] {"gzip", "-c"} : new String[] {"zstd", "-q", "-c"};
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.to(out.toFile())).start();
            } catch (IOException e) {
                throw new IOException(cmd[0] + " is needed to make the test archives: apt-get install "
                        + (cmd[0].equals("gzip") ? "gzip" : "zstd"), e);
            }
            try (OutputStream pipe = p.getOutputStream()) {
                writeTar(pipe);
            }
            try {
                if (p.waitFor() != 0) {
                    throw new IOException(cmd[0] + " failed: " + new String(p.getErrorStream().readAllBytes()));
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }
    }

    private void writeTar(OutputStream out) throws IOException {
        // Block size 512: two zero blocks end the archive, no padding to 10 KiB (Tar_helpers.write_end).
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 512);
        member(tar, "ova.xml", ovaXml());
        List<Disk> ordered = new ArrayList<>(disks);
        ordered.sort(Comparator.comparing(Disk::ref));
        byte[] chunk = new byte[1 << 20];
        for (Disk d : ordered) {
            long chunks = (d.size() + chunk.length - 1) / chunk.length;
            long shift = 0;
            try (InputStream in = d.file() != null ? Files.newInputStream(d.file())
                    : new java.io.ByteArrayInputStream(d.bytes())) {
                for (long i = 0; i < chunks; i++) {
                    int n = (int) Math.min(chunk.length, d.size() - i * chunk.length);
                    if (in.readNBytes(chunk, 0, n) != n) {
                        throw new IOException("short disk content " + d.ref());
                    }
                    boolean zero = true;
                    for (int k = 0; k < n && zero; k++) {
                        zero = chunk[k] == 0;
                    }
                    if (omitZeroChunks && zero && i != 0 && i != chunks - 1) {
                        if (keepAlives) {
                            String name = String.format("%s/%08d", d.ref(), i + shift);
                            member(tar, name, new byte[0]);
                            member(tar, name + extension(), checksumOf(new byte[0], 0));
                            shift++;
                        }
                        continue;
                    }
                    String name = String.format("%s/%08d", d.ref(), i + shift);
                    member(tar, name, java.util.Arrays.copyOf(chunk, n));
                    member(tar, name + extension(), checksumOf(chunk, n));
                }
            }
        }
        tar.finish();
        tar.flush();
    }

    private String extension() {
        return checksum == Checksum.XXHASH ? ".xxhash" : ".checksum";
    }

    private byte[] checksumOf(byte[] data, int n) throws IOException {
        String text;
        if (checksum == Checksum.XXHASH) {
            text = XxHash64.hex(data, 0, n);
        } else {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-1");
                md.update(data, 0, n);
                text = HexFormat.of().formatHex(md.digest());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IOException(e);
            }
        }
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void member(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    /** ova.xml: the version struct and the objects array (VM, VBDs, VDIs, SRs), as export.ml makes them. */
    public byte[] ovaXml() {
        StringBuilder b = new StringBuilder("<value><struct>");
        b.append("<member><name>version</name><value><struct>");
        field(b, "hostname", "xcp-test");
        field(b, "product_brand", "XCP-ng");
        field(b, "xapi_major", "25");
        field(b, "xapi_minor", "6");
        field(b, "export_vsn", "2");
        b.append("</struct></value></member>");
        b.append("<member><name>objects</name><value><array><data>");
        object(b, "VM", "Ref:1", () -> {
            field(b, "uuid", vmUuid);
            field(b, "name_label", vmName);
            b.append("<member><name>is_a_snapshot</name><value><boolean>0</boolean></value></member>");
            b.append("<member><name>other_config</name><value><struct>");
            field(b, "base_template_name", "Other install media");
            b.append("</struct></value></member>");
        });
        int n = 100;
        for (Disk d : disks) {
            String vbd = "Ref:" + n++;
            object(b, "VBD", vbd, () -> {
                field(b, "VM", "Ref:1");
                field(b, "VDI", d.ref());
                field(b, "userdevice", d.userdevice());
                field(b, "type", "Disk");
                field(b, "mode", "RW");
                b.append("<member><name>bootable</name><value><boolean>1</boolean></value></member>");
            });
        }
        if (cdrom) {
            object(b, "VBD", "Ref:" + n++, () -> {
                field(b, "VM", "Ref:1");
                field(b, "VDI", "Ref:98");
                field(b, "userdevice", "3");
                field(b, "type", "CD");
            });
            object(b, "VDI", "Ref:98", () -> {
                field(b, "uuid", "00000000-0000-4000-8000-0000000000cd");
                field(b, "name_label", "install.iso");
                field(b, "virtual_size", "4194304");
                field(b, "SR", "Ref:99");
                field(b, "type", "user");
            });
            object(b, "SR", "Ref:99", () -> field(b, "content_type", "iso"));
        }
        for (Disk d : disks) {
            object(b, "VDI", d.ref(), () -> {
                field(b, "uuid", d.uuid());
                field(b, "name_label", d.name());
                field(b, "name_description", "a disk of " + vmName);
                field(b, "virtual_size", Long.toString(d.size()));
                field(b, "SR", "Ref:97");
                field(b, "type", "user");
                b.append("<member><name>read_only</name><value><boolean>0</boolean></value></member>");
                // A dangling ref to the source pool, as make_vdi leaves snapshot_of.
                field(b, "snapshot_of", "OpaqueRef:0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6");
            });
        }
        object(b, "SR", "Ref:97", () -> field(b, "content_type", "user"));
        b.append("</data></array></value></member></struct></value>");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void object(StringBuilder b, String cls, String id, Runnable snapshot) {
        b.append("<value><struct>");
        field(b, "class", cls);
        field(b, "id", id);
        b.append("<member><name>snapshot</name><value><struct>");
        snapshot.run();
        b.append("</struct></value></member></struct></value>");
    }

    /** ocaml-rpc: strings and 64-bit ints untyped, {@code < & "} escaped, keys not escaped. */
    private static void field(StringBuilder b, String key, String value) {
        b.append("<member><name>").append(key).append("</name><value>")
                .append(value.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;"))
                .append("</value></member>");
    }


}
