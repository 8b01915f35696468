package org.smapimigrate.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lvm2's own {@code pvck --dump metadata} as the oracle for the committed text, including a copy
 * whose text wraps around the end of the metadata ring (lvm2-ondisk.md §4 and §7).
 */
class PvckOracleTest {
    @TempDir
    Path dir;

    /** pvck's copy of the committed text (it writes the text without the NUL). */
    private String pvckText(Path image) throws IOException, InterruptedException {
        String pvck = ExternalCommand.require("pvck", "lvm2");
        Path out = dir.resolve("pvck-" + image.getFileName() + ".txt");
        ExternalCommand.check(List.of(pvck, "--dump", "metadata", "-f", out.toString(), image.toString()));
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String ourText(Path image) throws IOException {
        try (PhysicalVolumeFile pv = PhysicalVolumeFile.open(image)) {
            MetadataCopy copy = pv.metadataCopies().get(0);
            assertEquals(null, copy.defect());
            return new String(copy.text().text(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theCorpusTextEqualsPvcks() throws Exception {
        Path image = LvmCorpus.image();
        assertEquals(pvckText(image), ourText(image));
    }

    @Test
    void aWrappedTextReadsLikePvckReadsIt() throws Exception {
        PvHeadEditor ed = new PvHeadEditor();
        byte[] text = Arrays.copyOfRange(ed.bytes, PvHeadEditor.TEXT, PvHeadEditor.TEXT + 4991);
        // 1024 bytes at the end of the ring, the other 3967 just after the mda header.
        long newOffset = PvHeadEditor.MDA_SIZE - 1024;
        System.arraycopy(text, 1024, ed.bytes, PvHeadEditor.MDA + 512, text.length - 1024);
        Arrays.fill(ed.bytes, PvHeadEditor.TEXT, PvHeadEditor.TEXT + text.length, (byte) 0);
        ed.le.putLong(PvHeadEditor.MDA + 40, newOffset);
        ed.fixMdaChecksum();
        Path image = ed.write(dir, "wrapped.img");
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(text, 0, 1024), PvHeadEditor.MDA + newOffset);
        }
        String expected = LvmCorpus.sr().get("lvm_metadata_text").asText();
        assertEquals(expected, pvckText(image), "pvck reads the wrapped copy");
        assertEquals(expected, ourText(image));
        try (PhysicalVolumeFile pv = PhysicalVolumeFile.open(image)) {
            MetadataText t = pv.metadataCopies().get(0).text();
            assertTrue(t.wraps());
            assertEquals(1024, t.firstPartLength());
            assertEquals(4096 + 512, t.secondPartOffset());
        }
        try (OfflineVolumeGroup vg = OfflineVolumeGroup.open(List.of(image))) {
            assertEquals(44, vg.volumeGroup().seqno());
        }
    }
}
