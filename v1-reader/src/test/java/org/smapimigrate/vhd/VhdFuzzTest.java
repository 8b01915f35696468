package org.smapimigrate.vhd;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.smapimigrate.chain.ParentContainer;
import org.smapimigrate.chain.VhdChain;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.testing.BytesVolume;

/**
 * Coverage-guided fuzzing of the VHD parser: footer (primary, short, copy at 0), dynamic header,
 * BAT, batmap, sector bitmaps, parent locators and the chain opened above the image. The only
 * acceptable failure is an {@link ImageDefectException}; anything else thrown (an
 * IllegalArgumentException from reading outside the container, an index or arithmetic error, an
 * OutOfMemoryError) or a hang is a finding. When bit 0 of the last byte is set, the footer and
 * header checksums are recomputed first ({@link VhdChecksums}).
 *
 * <p>{@code mvn test} replays the seeds and past crashes in
 * {@code src/test/resources/org/smapimigrate/vhd/VhdFuzzTestInputs/openAndWalk/} (cut from
 * ../shared/corpus by {@code fuzz/make-seeds}); {@code fuzz/run vhd MINUTES} fuzzes.
 */
class VhdFuzzTest {
    /** How much of the virtual disk one input may walk: keeps a run short whatever its size. */
    private static final long WALK_LIMIT = 256L << 20;

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void openAndWalk(byte[] input) throws IOException {
        if (input.length > 0 && (input[input.length - 1] & 1) != 0) {
            // Bit 0 of the last byte (reserved in a footer) asks for valid checksums, so that
            // mutations of the footers and the header get past them into the parsing behind;
            // clear, the bytes stay as they are and the checksum checks themselves are fuzzed.
            input = input.clone();
            VhdChecksums.repair(input);
        }
        byte[] bytes = input;
        VhdImage image;
        try {
            image = VhdImage.open(new BytesVolume(input, "fuzz.vhd"), "fuzz.vhd");
        } catch (ImageDefectException expected) {
            return;
        }
        touch(image);
        // The parent is the same bytes under another key: exercises the raw-parent path, the
        // prt_uuid check and the cycle check without a second input.
        VhdChain chain;
        try {
            chain = VhdChain.open(image, "leaf", (child, key) ->
                    new ParentContainer(new BytesVolume(bytes, "parent.vhd"), "parent.vhd", "parent"));
        } catch (ImageDefectException expected) {
            return;
        }
        walk(chain);
    }

    private static void touch(VhdImage image) throws IOException {
        image.findings().forEach(Finding::toString);
        image.parentLocators().forEach(ParentLocator::toString);
        image.parentUnicodeName();
        image.hidden();
        image.allocatedBytes();
        for (int b = 0; b < Math.min(image.blockCount(), 64); b++) {
            if (image.isBlockAllocated(b)) {
                image.bitmap(b);
                image.blockDataOffset(b);
            }
        }
    }

    private static void walk(VhdChain chain) throws IOException {
        long window = Math.min(chain.size(), WALK_LIMIT);
        List<Extent> extents = chain.extents(0, window);
        ByteBuffer buf = ByteBuffer.allocate(4096);
        int reads = 0;
        for (Extent e : extents) {
            if (e.kind() == ExtentKind.DATA && reads++ < 8) {
                buf.clear().limit((int) Math.min(buf.capacity(), e.length()));
                chain.read(buf, e.offset());
            }
        }
        if (chain.size() > 0) {
            buf.clear().limit((int) Math.min(512, chain.size()));
            chain.read(buf, chain.size() - buf.remaining());
        }
    }
}
