package org.smapimigrate.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;
import org.smapimigrate.xapi.xva.XvaArchive;
import org.smapimigrate.xapi.xva.XvaCompression;
import org.smapimigrate.xapi.xva.XvaDisk;
import org.smapimigrate.xapi.xva.XvaHeader;
import org.smapimigrate.xapi.xva.XvaVdi;

/**
 * An XVA archive ({@code xe vm-export}) seen as a source repository: its VM's disks are the VDIs
 * (by uuid when ova.xml gives one, else by export id {@code Ref:N}), so the one engine plans,
 * copies and verifies them like any SMAPIv1 VDI. The archive is a stream: each
 * {@link #openVdi} reads the file once from the start (the disks before it read and checked on
 * the way); the copy hashes what it streams (the engine's CopiedDigest), so verification reads
 * only the target and a disk costs one pass. Standard input ({@code -}) is
 * read once: its disks must be asked for in archive order, each once.
 */
public final class XvaRepository implements StorageRepository {
    /** The path that stands for standard input. */
    public static final String STDIN = "-";

    private final Path file;
    private final String described;
    private final XvaHeader header;
    private final XvaCompression compression;
    /** Standard input's one pass, or null for a file. */
    private XvaArchive stdin;

    private XvaRepository(Path file, String described, XvaHeader header, XvaCompression compression,
                          XvaArchive stdin) {
        this.file = file;
        this.described = described;
        this.header = header;
        this.compression = compression;
        this.stdin = stdin;
    }

    /** Whether {@code p} starts as an XVA does: a tar header naming ova.xml, or gzip or zstd data. */
    public static boolean isXva(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(512);
            return XvaCompression.detect(head, head.length) != null;
        }
    }

    /** Reads the archive's ova.xml (and no further) to know its VM and disks. */
    public static XvaRepository open(Path file) throws IOException {
        try (XvaArchive a = XvaArchive.open(Files.newInputStream(file), file.toString())) {
            return new XvaRepository(file, file.toString(), a.header(), a.compression(), null);
        }
    }

    /** An archive on standard input: ova.xml is read now, the disks as they are opened. */
    public static XvaRepository openStdin(InputStream in) throws IOException {
        XvaArchive a = XvaArchive.open(in, "standard input");
        return new XvaRepository(null, "standard input", a.header(), a.compression(), a);
    }

    public XvaHeader header() {
        return header;
    }

    public XvaCompression compression() {
        return compression;
    }

    /** The VDI id (uuid, else Ref:N) a disk is listed under. */
    public static String idOf(XvaVdi v) {
        return v.uuid() != null ? v.uuid() : v.ref();
    }

    /**
     * The ids of the disks {@code asked} names: each by uuid, export id ({@code Ref:N}) or name
     * (when exactly one disk has it).
     */
    public List<String> vdiIds(List<String> asked) throws IOException {
        List<String> out = new ArrayList<>();
        for (String a : asked) {
            List<XvaVdi> hits = header.disks().stream().filter(v -> a.equalsIgnoreCase(String.valueOf(v.uuid()))
                    || a.equals(v.ref())).toList();
            if (hits.isEmpty()) {
                hits = header.disks().stream().filter(v -> a.equals(v.name())).toList();
            }
            if (hits.size() != 1) {
                throw new IOException(described + ": " + (hits.isEmpty() ? "no disk is" : hits.size() + " disks are")
                        + " named '" + a + "'; name it by uuid or Ref:N as 'smapi-migrate scan " + described + "' lists");
            }
            out.add(idOf(hits.get(0)));
        }
        return out;
    }

    @Override
    public SrInventory inventory() {
        List<VdiEntry> vdis = new ArrayList<>();
        for (XvaVdi v : header.disks()) {
            String where = described + " " + v.ref() + (v.userdevice() != null ? " (device " + v.userdevice() + ")" : "");
            // Allocation is only known once streamed: the plan counts the whole disk.
            vdis.add(new VdiEntry(idOf(v), VdiRole.USER, false, v.virtualSize(), v.virtualSize(), null, 1, where, null,
                    v.name(), v.description(), true, "raw"));
        }
        return new SrInventory(described, "xva", header.vmUuid(), header.vmName(), vdis, List.of(), List.of());
    }

    @Override
    public VirtualDisk openVdi(String uuid) throws IOException {
        XvaVdi v = header.disks().stream().filter(d -> idOf(d).equals(uuid)).findFirst().orElseThrow(
                () -> new IOException(described + ": no disk " + uuid + " in this archive"));
        XvaArchive archive;
        if (file != null) {
            archive = XvaArchive.open(Files.newInputStream(file), file.toString());
            if (!archive.header().equals(header)) {
                archive.close();
                throw new IOException(file + ": the archive changed since it was first read; make a new plan");
            }
        } else if (stdin != null) {
            archive = stdin;
        } else {
            throw new IOException("standard input was read to its end already; give the XVA as a file to read"
                    + " more than once");
        }
        XvaDisk disk;
        try {
            disk = archive.disk(v.ref());
        } catch (IOException | RuntimeException e) {
            if (file != null) {
                archive.close();
            }
            throw e;
        }
        boolean last = header.disks().get(header.disks().size() - 1).equals(v);
        return new Streamed(disk, archive, last);
    }

    /** An archive holds whole disks: a disk's own sectors are the disk. */
    @Override
    public VirtualDisk openOwnSectors(String uuid) throws IOException {
        return openVdi(uuid);
    }

    @Override
    public void close() throws IOException {
        if (stdin != null) {
            stdin.close();
            stdin = null;
        }
    }

    /**
     * One disk being streamed: on close, after the archive's last disk read whole, the rest of the
     * archive (its end marker) is checked too, so an archive cut after the last chunk still fails.
     */
    private final class Streamed implements VirtualDisk {
        private final XvaDisk disk;
        private final XvaArchive archive;
        private final boolean last;

        Streamed(XvaDisk disk, XvaArchive archive, boolean last) {
            this.disk = disk;
            this.archive = archive;
            this.last = last;
        }

        @Override
        public long size() {
            return disk.size();
        }

        @Override
        public void read(ByteBuffer dst, long offset) throws IOException {
            disk.read(dst, offset);
        }

        @Override
        public List<Extent> extents(long offset, long length) {
            return disk.extents(offset, length);
        }

        @Override
        public String describe() {
            return disk.describe();
        }

        @Override
        public void close() throws IOException {
            try {
                if (disk.complete() && last) {
                    archive.verifyRest();
                }
            } finally {
                if (file != null) {
                    archive.close();
                } else if (last) {
                    XvaRepository.this.close();
                }
            }
        }
    }
}
