package org.smapimigrate.xapi.xva;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.smapimigrate.disk.ImageDefectException;

/**
 * An XVA archive ({@code xe vm-export}, {@code GET /export}) read as a stream in one pass
 * (xva-format.md): the compression sniffed, {@code ova.xml} read first, then the disks' chunks in
 * archive order, each checked. Works on any InputStream, standard input included; seeks nothing.
 * Ask for disks in archive order ({@link XvaHeader#disks()}): the chunks of disks passed over
 * are read and checked too, then dropped.
 */
public final class XvaArchive implements Closeable {
    /** {@code Xapi_globs.ova_xml_filename}: always the first member. */
    public static final String OVA_XML = "ova.xml";
    /** ova.xml is a few KiB per object; a VM with hundreds of disks stays far below this. */
    static final long MAX_OVA_XML = 64L << 20;
    /** The export_vsn 1 checksum table: one line per chunk; bounded likewise. */
    static final long MAX_CHECKSUM_TABLE = 256L << 20;

    private final InputStream raw;
    private final TarArchiveInputStream tar;
    private final String file;
    private final XvaCompression compression;
    private final XvaHeader header;
    private int nextDisk;
    /** Where the last member read ends in the tar stream (padding included). */
    private long memberEnd;
    private ChunkWalk walking;

    private XvaArchive(InputStream raw, TarArchiveInputStream tar, String file, XvaCompression compression,
                       XvaHeader header) {
        this.raw = raw;
        this.tar = tar;
        this.file = file;
        this.compression = compression;
        this.header = header;
    }

    /**
     * Reads up to the end of {@code ova.xml}; {@code file} names the archive in messages. Closes
     * {@code in} when it fails.
     */
    public static XvaArchive open(InputStream in, String file) throws IOException {
        try {
            XvaCompression.Opened opened = XvaCompression.open(in, file);
            TarArchiveInputStream tar = new TarArchiveInputStream(opened.tar());
            TarArchiveEntry first;
            try {
                first = tar.getNextEntry();
            } catch (ImageDefectException e) {
                throw e;
            } catch (IOException | IllegalArgumentException e) {
                throw new ImageDefectException("xva-not-an-xva", file, 0, "not a tar stream after "
                        + opened.compression().name().toLowerCase() + " decompression: " + OneLineText.of(String.valueOf(
                        e.getMessage())), e);
            }
            if (first == null || !first.getName().equals(OVA_XML)) {
                // import.ml, assert_filename_is: IMPORT_ERROR_UNEXPECTED_FILE.
                throw new ImageDefectException("xva-not-an-xva", file, 0, "the first member is "
                        + (first == null ? "missing (an empty archive)" : "'" + OneLineText.of(first.getName()) + "'")
                        + ", not ova.xml: not an XVA");
            }
            if (first.getSize() > MAX_OVA_XML) {
                throw new ImageDefectException("xva-bad-metadata", file, tar.getBytesRead(), "ova.xml claims "
                        + first.getSize() + " bytes, more than the " + MAX_OVA_XML + " any VM's metadata needs");
            }
            long xmlEnd = endOf(tar, first);
            byte[] xml = new byte[(int) first.getSize()];
            int got;
            try {
                got = tar.readNBytes(xml, 0, xml.length);
            } catch (ImageDefectException e) {
                throw e;
            } catch (IOException e) {
                got = -1;
            }
            if (got != xml.length) {
                throw new ImageDefectException("xva-truncated", file, tar.getBytesRead(), "the archive ends inside"
                        + " ova.xml: it is cut short");
            }
            Object value;
            try {
                value = XmlRpcValue.parse(xml);
            } catch (XmlRpcValue.XmlRpcException e) {
                throw new ImageDefectException("xva-bad-metadata", file, -1, "ova.xml: " + e.getMessage());
            }
            XvaArchive a = new XvaArchive(in, tar, file, opened.compression(), XvaHeader.of(value, file));
            a.memberEnd = xmlEnd;
            return a;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    public XvaHeader header() {
        return header;
    }

    public XvaCompression compression() {
        return compression;
    }

    /** The archive as messages name it. */
    public String file() {
        return file;
    }

    /**
     * Disk {@code ref} as a disk read once, front to back. Disks before it in the archive are read
     * and checked first.
     */
    public XvaDisk disk(String ref) throws IOException {
        List<XvaVdi> disks = header.disks();
        int i = 0;
        while (i < disks.size() && !disks.get(i).ref().equals(ref)) {
            i++;
        }
        if (i == disks.size()) {
            throw new IllegalArgumentException(file + ": no disk " + ref);
        }
        if (i < nextDisk) {
            throw new IOException(file + ": " + ref + " was already read past: the archive is a stream read once;"
                    + " open it again, or read its disks in archive order (" + String.join(", ",
                    disks.stream().map(XvaVdi::ref).toList()) + ")");
        }
        finishWalking();
        while (nextDisk < i) {
            drain(disks.get(nextDisk++));
        }
        nextDisk++;
        walking = new ChunkWalk(tar, disks.get(i), file);
        return new XvaDisk(walking, disks.get(i), file + " " + ref);
    }

    /**
     * Reads and checks everything not read yet: the rest of the disk being read, the disks after
     * it, the checksum table of an export_vsn below 2, and the end of the archive.
     */
    public void verifyRest() throws IOException {
        finishWalking();
        List<XvaVdi> disks = header.disks();
        while (nextDisk < disks.size()) {
            drain(disks.get(nextDisk++));
        }
        TarArchiveEntry e;
        try {
            e = tar.getNextEntry();
            if (e != null && header.exportVsn() < 2) {
                // export_vsn 1: one checksum table member after the last disk; its name is not checked
                // (import.ml, stream_import). The inline checksums were checked already.
                if (e.getSize() > MAX_CHECKSUM_TABLE) {
                    throw new ImageDefectException("xva-unexpected-member", file, tar.getBytesRead(),
                            "the checksum table claims " + e.getSize() + " bytes");
                }
                if (tar.skip(e.getSize()) != e.getSize()) {
                    throw new IOException("the checksum table is cut short");
                }
                memberEnd = endOf(tar, e);
                e = tar.getNextEntry();
            }
        } catch (ImageDefectException x) {
            throw x;
        } catch (IOException | IllegalArgumentException x) {
            throw new ImageDefectException("xva-truncated", file, tar.getBytesRead(), "the archive is cut short after"
                    + " its last disk: " + OneLineText.of(String.valueOf(x.getMessage())), x);
        }
        if (e == null && tar.getBytesRead() - memberEnd < 2 * 512) {
            // Tar_helpers.write_end: two zero blocks. Fewer means the stream stopped early, even
            // if every disk happens to be whole.
            throw new ImageDefectException("xva-truncated", file, tar.getBytesRead(), "the archive ends without"
                    + " its end marker (two zero blocks): it is cut short");
        }
        if (e != null) {
            throw new ImageDefectException("xva-unexpected-member", file, tar.getBytesRead(), "member '"
                    + OneLineText.of(e.getName()) + "' after the last disk; an XVA ends there");
        }
    }

    private void finishWalking() throws IOException {
        if (walking != null) {
            walking.drain();
            noteEnd(walking);
            walking = null;
        }
    }

    private void drain(XvaVdi vdi) throws IOException {
        ChunkWalk w = new ChunkWalk(tar, vdi, file);
        w.drain();
        noteEnd(w);
    }

    private void noteEnd(ChunkWalk w) {
        if (w.memberEnd() >= 0) {
            memberEnd = w.memberEnd();
        }
    }

    /** Where entry {@code e}, just returned by getNextEntry, ends in the tar stream: data padded to 512. */
    static long endOf(TarArchiveInputStream tar, TarArchiveEntry e) {
        return tar.getBytesRead() + (e.getSize() + 511) / 512 * 512;
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
