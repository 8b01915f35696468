package org.smapimigrate.lvm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.smapimigrate.disk.ImageDefectException;

/**
 * Coverage-guided fuzzing of the LVM2 metadata parser: PV label and header, metadata area
 * header, the raw_locn text (wrapping included), the config text and its import into a VG,
 * then the extent mapping of every LV. The input is a PV's head; it is read once as a file of
 * exactly that size (every offset past its end must be refused) and once padded with zeros to
 * the size of the corpus PV (160 MiB, sparse) so that LVs whose extents fit can be opened and
 * read. When bit 0 of the first byte is set, every CRC is recomputed first ({@link PvChecksums}).
 * The only acceptable failure is an {@link ImageDefectException}; anything else, an
 * OutOfMemoryError or a hang is a finding.
 *
 * <p>{@code mvn test} replays the seeds and past crashes in
 * {@code src/test/resources/org/smapimigrate/lvm/LvmMetadataFuzzTestInputs/openVolumeGroup/}
 * (the corpus PV's label and current metadata, cut by {@code fuzz/make-seeds});
 * {@code fuzz/run lvm MINUTES} fuzzes.
 */
class LvmMetadataFuzzTest {
    private static final long PADDED_SIZE = 160L << 20;
    private static Path pv;

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void openVolumeGroup(byte[] input) throws IOException {
        if (input.length > 0 && (input[0] & 1) != 0) {
            // Bit 0 of byte 0 (in a PV, unused sector 0) asks for valid checksums, so that
            // mutations get past the CRCs into the parsing behind them; clear, the bytes stay
            // as they are and the CRC checks themselves are fuzzed.
            input = input.clone();
            PvChecksums.repair(input);
        }
        Path file = scratch();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(0);
            f.write(input);
        }
        open(file, false);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(Math.max(input.length, PADDED_SIZE));
        }
        open(file, true);
    }

    private static void open(Path file, boolean readLvs) throws IOException {
        try (OfflineVolumeGroup vg = OfflineVolumeGroup.open(List.of(file))) {
            vg.metadataIssues().forEach(Throwable::getMessage);
            vg.missingPvs().forEach(PhysicalVolume::toString);
            if (!readLvs) {
                return;
            }
            ByteBuffer sector = ByteBuffer.allocate(512);
            for (LogicalVolume lv : vg.volumeGroup().lvs()) {
                try (LogicalVolumeDisk disk = vg.openLv(lv.name())) {
                    disk.extents(0, Math.min(disk.size(), 1L << 30));
                    if (disk.size() >= 512) {
                        disk.read(sector.clear(), 0);
                        disk.read(sector.clear(), disk.size() - 512);
                    }
                } catch (ImageDefectException expected) {
                    // an LV that cannot be read (missing PV, beyond the file, unsupported segment)
                }
            }
        } catch (ImageDefectException expected) {
            // damaged label, metadata area or text: a typed defect is the right answer
        }
    }

    /** One scratch file per JVM, in memory (/dev/shm) when there is one. */
    private static synchronized Path scratch() {
        if (pv == null) {
            try {
                Path shm = Path.of("/dev/shm");
                pv = Files.isDirectory(shm) && Files.isWritable(shm)
                        ? Files.createTempFile(shm, "lvm-fuzz-", ".img") : Files.createTempFile("lvm-fuzz-", ".img");
                pv.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pv;
    }
}
