package org.smapimigrate.xapi.xva;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.smapimigrate.disk.ImageDefectException;

/**
 * How an XVA's tar stream is wrapped, told by its first bytes as xapi's importer does
 * ({@code import.ml}, {@code with_open_archive}; xva-format.md section 1): a tar header naming
 * {@code ova.xml} means plain tar, {@code 28 B5 2F FD} zstd, {@code 1F 8B} gzip. Never by file name.
 */
public enum XvaCompression {
    NONE, GZIP, ZSTD;

    private static final int HEADER = 512;

    /** Sniffs {@code in} and returns the plain tar stream it holds. */
    static Opened open(InputStream in, String describe) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(HEADER);
        byte[] head = buffered.readNBytes(HEADER);
        buffered.reset();
        XvaCompression c = detect(head, head.length);
        if (c == null) {
            throw new ImageDefectException("xva-not-an-xva", describe, 0, "neither a tar archive starting with ova.xml"
                    + " nor gzip or zstd data (first bytes " + hexStart(head) + "); an XVA is what 'xe vm-export' writes");
        }
        if (c == NONE) {
            return new Opened(c, buffered);
        }
        try {
            // Concatenated gzip members are one stream, as gzip -d reads them.
            InputStream tar = c == GZIP ? new GzipCompressorInputStream(buffered, true)
                    : new ZstdCompressorInputStream(buffered);
            return new Opened(c, new Damage(tar, c, describe));
        } catch (IOException | RuntimeException e) {
            throw Damage.of(e, c, describe);
        }
    }

    /**
     * Decompressed bytes, with the decompressor's own failures (a damaged or cut gzip or zstd
     * stream; zstd-jni also throws unchecked ZstdException) turned into one typed defect.
     */
    private static final class Damage extends java.io.FilterInputStream {
        private final XvaCompression c;
        private final String describe;

        Damage(InputStream in, XvaCompression c, String describe) {
            super(in);
            this.c = c;
            this.describe = describe;
        }

        static ImageDefectException of(Exception e, XvaCompression c, String describe) {
            if (e instanceof ImageDefectException d) {
                return d;
            }
            boolean cut = e instanceof java.io.EOFException;
            return new ImageDefectException(cut ? "xva-truncated" : "xva-bad-compression", describe, -1, "the "
                    + c.name().toLowerCase() + " stream " + (cut ? "is cut short" : "is damaged") + ": "
                    + OneLineText.of(String.valueOf(e.getMessage())), e);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException | RuntimeException e) {
                throw of(e, c, describe);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                throw of(e, c, describe);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException | RuntimeException e) {
                throw of(e, c, describe);
            }
        }
    }

    /** The tar stream and what it was wrapped in. */
    record Opened(XvaCompression compression, InputStream tar) {
    }

    /** What {@code head} (its first {@code n} bytes) starts; null when nothing an XVA can be. */
    public static XvaCompression detect(byte[] head, int n) {
        if (n >= HEADER && namesOvaXml(head) && checksumHolds(head)) {
            return NONE;
        }
        if (n >= 4 && (head[0] & 0xFF) == 0x28 && (head[1] & 0xFF) == 0xB5 && (head[2] & 0xFF) == 0x2F
                && (head[3] & 0xFF) == 0xFD) {
            return ZSTD;
        }
        if (n >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B) {
            return GZIP;
        }
        return null;
    }

    /** The header's checksum field matches; a field that is not octal (TarUtils throws) does not. */
    private static boolean checksumHolds(byte[] header) {
        try {
            return TarUtils.verifyCheckSum(header);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The tar name field (100 bytes, NUL-terminated) is exactly {@code ova.xml}. */
    private static boolean namesOvaXml(byte[] header) {
        byte[] want = XvaArchive.OVA_XML.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < want.length; i++) {
            if (header[i] != want[i]) {
                return false;
            }
        }
        return header[want.length] == 0;
    }

    private static String hexStart(byte[] head) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(4, head.length); i++) {
            b.append(String.format("%02X", head[i] & 0xFF));
        }
        return b.length() == 0 ? "none: the input is empty" : b.toString();
    }
}
