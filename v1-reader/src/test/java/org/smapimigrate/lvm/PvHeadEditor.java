package org.smapimigrate.lvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Builds damaged or edited copies of the corpus PV for tests: the first bytes of the image
 * (label, metadata area header, committed text) edited in memory, written into a sparse file of
 * the original size. Edits that should reach deeper parsers recompute the CRCs they break.
 */
public final class PvHeadEditor {
    public static final int LABEL = 512;
    public static final int MDA = 4096;
    public static final long MDA_SIZE = 11_530_240L;
    public static final int TEXT = 179_200;
    public static final long IMAGE_SIZE = 167_772_160L;
    /** Room for the label, the mda header and the committed text and then some. */
    public static final int HEAD = 200_000;

    public final byte[] bytes;
    public final ByteBuffer le;

    private static byte[] head;

    public PvHeadEditor() throws IOException {
        bytes = head().clone();
        le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static synchronized byte[] head() throws IOException {
        if (head == null) {
            byte[] b = new byte[HEAD];
            try (FileChannel ch = FileChannel.open(LvmCorpus.image(), StandardOpenOption.READ)) {
                ch.read(ByteBuffer.wrap(b), 0);
            }
            head = b;
        }
        return head;
    }

    public String text() {
        return new String(bytes, TEXT, (int) le.getLong(MDA + 48) - 1, StandardCharsets.UTF_8);
    }

    /** Replaces the committed text in place (at the same ring offset) with valid CRCs. */
    public PvHeadEditor text(String text) {
        byte[] t = (text + "\0").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(t, 0, bytes, TEXT, t.length);
        le.putLong(MDA + 48, t.length);
        le.putInt(MDA + 56, LvmCrc.of(t, 0, t.length));
        return fixMdaChecksum();
    }

    public PvHeadEditor fixMdaChecksum() {
        le.putInt(MDA, LvmCrc.of(bytes, MDA + 4, 508));
        return this;
    }

    public PvHeadEditor fixLabelCrc() {
        le.putInt(LABEL + 16, LvmCrc.of(bytes, LABEL + 20, 492));
        return this;
    }

    /** Writes the head into a new sparse file of the image's size in {@code dir}. */
    Path write(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), 0);
            ch.write(ByteBuffer.allocate(1), IMAGE_SIZE - 1);
        }
        return p;
    }

    /**
     * Writes the whole corpus image with the edited head on top: LV content stays readable.
     * All-zero MiBs stay holes, so a copy costs what the image holds, not its size.
     */
    public Path writeFull(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        try (FileChannel in = FileChannel.open(LvmCorpus.image(), StandardOpenOption.READ);
             FileChannel out = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long pos = 0; pos < IMAGE_SIZE; pos += buf.capacity()) {
                buf.clear();
                in.read(buf, pos);
                buf.flip();
                if (!isZero(buf)) {
                    out.write(buf, pos);
                }
            }
            out.write(ByteBuffer.wrap(bytes), 0);
            if (out.size() < IMAGE_SIZE) {
                out.write(ByteBuffer.allocate(1), IMAGE_SIZE - 1);
            }
        }
        return p;
    }

    private static boolean isZero(ByteBuffer b) {
        for (int i = b.position(); i < b.limit(); i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
