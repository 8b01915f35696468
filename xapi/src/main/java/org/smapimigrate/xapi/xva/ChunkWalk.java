package org.smapimigrate.xapi.xva;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.smapimigrate.disk.ImageDefectException;

/**
 * The chunks of one disk, read in one pass off the tar stream, each checked against the checksum
 * member that follows it before its bytes are handed out (xva-format.md sections 2, 4 and 5).
 * Position is kept as xapi's importer keeps it ({@code recv_all_vdi}): every number skipped is one
 * MiB of zeros, so keep-alive members (empty, numbered, the data then under the next number) land
 * right. Yields pieces covering {@code [0, virtual_size)} in order: zero runs and checked data.
 * Holds one chunk in memory at a time.
 */
final class ChunkWalk {
    /** {@code stream_vdi.ml}: {@code chunk_size = 1024*1024}. */
    static final int CHUNK = 1 << 20;
    /** A checksum member is 16 or 40 hex digits; anything much longer is not one. */
    private static final int MAX_CHECKSUM_MEMBER = 128;

    private final TarArchiveInputStream tar;
    private final XvaVdi vdi;
    private final String file;
    private final byte[] chunk = new byte[CHUNK];
    private long pos;
    private long lastNumber = -1;
    private String lastName;
    /** Offset in the tar stream where the last member read ends, its padding included. */
    private long memberEnd = -1;
    /** Data read and checked but not yet handed out (it follows a zero run). */
    private Piece pending;

    /** A run of the disk: zeros when {@code data} is null, else the checked bytes (valid until the next call). */
    record Piece(long offset, long length, ByteBuffer data) {
        long end() {
            return offset + length;
        }
    }

    ChunkWalk(TarArchiveInputStream tar, XvaVdi vdi, String file) {
        this.tar = tar;
        this.vdi = vdi;
        this.file = file;
    }

    /** Where the last member this walk read ends in the tar stream, or -1 if it read none. */
    long memberEnd() {
        return memberEnd;
    }

    /** True once every byte of the disk was handed out. */
    boolean done() {
        return pos == vdi.virtualSize() && pending == null;
    }

    /** The next piece, or null when the disk is complete. */
    Piece next() throws IOException {
        Piece p = pending;
        pending = null;
        if (p == null) {
            p = read();
        }
        return p;
    }

    /** Reads every remaining chunk (checking each) without handing anything out. */
    void drain() throws IOException {
        while (next() != null) {
            // checked and observed
        }
    }

    /**
     * Reads members until one yields a piece. A loop, not a recursion: xapi's raw path emits one
     * empty keep-alive member per 5 s stall (xva-format.md section 2), so an archive may hold any
     * number of them in a row, and each must cost no stack.
     */
    private Piece read() throws IOException {
        long size = vdi.virtualSize();
        while (pos != size) {
            TarArchiveEntry e = nextEntry();
            String name = e.getName();
            long at = tar.getBytesRead();
            long number = chunkNumber(name, at);
            if (number <= lastNumber) {
                throw defect("xva-chunk-order", at, "chunk " + OneLineText.of(name) + " comes after " + lastName
                        + ": chunk numbers must increase (a duplicate or out-of-order chunk)");
            }
            long skipped = number - lastNumber - 1;
            long len = e.getSize();
            if (len < 0 || len > CHUNK) {
                throw defect("xva-chunk-size", at, "chunk " + OneLineText.of(name) + " holds " + len
                        + " bytes; a chunk holds at most " + CHUNK);
            }
            if (skipped > (size - pos) / CHUNK || pos + skipped * CHUNK + len > size) {
                throw defect("xva-chunk-past-end", at, "chunk " + OneLineText.of(name) + " lies past the end of "
                        + vdi.ref() + " (virtual_size " + size + " bytes, " + pos + " accounted for)");
            }
            int n = (int) len;
            if (readFully(chunk, n) != n) {
                throw truncated("inside chunk " + OneLineText.of(name));
            }
            check(name, at, n);
            lastNumber = number;
            lastName = OneLineText.of(name);
            long gap = skipped * CHUNK;
            long start = pos + gap;
            pos = start + n;
            Piece data = n == 0 ? null : new Piece(start, n, ByteBuffer.wrap(chunk, 0, n).asReadOnlyBuffer());
            if (gap > 0) {
                pending = data;
                return new Piece(start - gap, gap, null);
            }
            if (data != null) {
                return data;
            }
            // An empty (keep-alive) member with nothing skipped: go on to the next member.
        }
        return null;
    }

    private TarArchiveEntry nextEntry() throws IOException {
        TarArchiveEntry e;
        try {
            e = tar.getNextEntry();
        } catch (IOException ex) {
            throw truncatedOr(ex);
        } catch (IllegalArgumentException ex) {
            // Commons Compress's header parsing (a field that is not octal, ...).
            throw defect("xva-bad-member", tar.getBytesRead(), "a tar header cannot be read: "
                    + OneLineText.of(String.valueOf(ex.getMessage())));
        }
        if (e == null) {
            throw truncated("after " + (lastName == null ? "ova.xml" : lastName));
        }
        memberEnd = XvaArchive.endOf(tar, e);
        return e;
    }

    /** {@code Ref:<N>/<digits>}, compared as a number (xapi compares strings; ours reads 9-digit numbers too). */
    private long chunkNumber(String name, long at) throws ImageDefectException {
        String prefix = vdi.ref() + "/";
        String digits = name.startsWith(prefix) ? name.substring(prefix.length()) : "";
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw defect("xva-unexpected-member", at, "member '" + OneLineText.of(name) + "' where chunk " + prefix
                    + "<number> was expected (" + pos + " of " + vdi.virtualSize() + " bytes of " + vdi.ref()
                    + " read): the archive is cut short, reordered or not xapi's");
        }
        return Long.parseLong(digits);
    }

    /** Reads the checksum member after chunk {@code name} and compares (xva-format.md section 4). */
    private void check(String name, long at, int n) throws IOException {
        TarArchiveEntry c = nextEntry();
        String cname = c.getName();
        boolean xxhash = cname.equals(name + ".xxhash");
        if (!xxhash && !cname.equals(name + ".checksum")) {
            throw defect("xva-missing-checksum", tar.getBytesRead(), "member '" + OneLineText.of(cname)
                    + "' follows chunk " + OneLineText.of(name) + " where " + OneLineText.of(name)
                    + ".xxhash or .checksum was expected");
        }
        if (c.getSize() > MAX_CHECKSUM_MEMBER) {
            throw defect("xva-missing-checksum", tar.getBytesRead(), OneLineText.of(cname) + " holds " + c.getSize()
                    + " bytes, not a checksum");
        }
        byte[] text = new byte[(int) c.getSize()];
        if (readFully(text, text.length) != text.length) {
            throw truncated("inside " + OneLineText.of(cname));
        }
        String stored = new String(text, StandardCharsets.US_ASCII).trim();
        String actual = xxhash ? XxHash64.hex(chunk, 0, n) : sha1(n);
        if (!stored.equalsIgnoreCase(actual)) {
            throw defect("xva-checksum-mismatch", at, "chunk " + OneLineText.of(name) + " of " + vdi.ref()
                    + " does not match " + OneLineText.of(cname) + " (stored " + OneLineText.of(stored) + ", data hashes to "
                    + actual + "): the archive is damaged; nothing of this disk is imported, export the VM again");
        }
    }

    private int readFully(byte[] into, int n) throws IOException {
        try {
            return tar.readNBytes(into, 0, n);
        } catch (IOException e) {
            throw truncatedOr(e);
        }
    }

    private String sha1(int n) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(chunk, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-1", e);
        }
    }

    private IOException truncatedOr(IOException e) {
        if (e instanceof ImageDefectException d) {
            return d; // the decompressor's own finding
        }
        String m = e.getMessage() == null ? "" : ": " + OneLineText.of(e.getMessage());
        return new ImageDefectException("xva-truncated", file, tar.getBytesRead(), "the archive cannot be read past this"
                + " point while " + (vdi.virtualSize() - pos) + " bytes of " + vdi.ref() + " are still due" + m
                + "; the archive is cut short or damaged", e);
    }

    private ImageDefectException truncated(String where) {
        return new ImageDefectException("xva-truncated", file, tar.getBytesRead(), "the archive ends " + where
                + " with " + (vdi.virtualSize() - pos) + " of " + vdi.virtualSize() + " bytes of " + vdi.ref()
                + " still due: it is cut short (an interrupted export or copy), not a short disk");
    }

    private ImageDefectException defect(String code, long at, String what) {
        return new ImageDefectException(code, file, at, what);
    }
}
