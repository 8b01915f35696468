package org.smapimigrate.lvhd;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.testing.BytesVolume;

/**
 * Coverage-guided fuzzing of the MGT parser (an LVHD SR's metadata volume: the XSSM header, the
 * SR record, 1024-byte VDI slots inside and past the header length, XML escapes). The input is
 * the volume's bytes. The only acceptable failure is an {@link ImageDefectException}; anything
 * else, an OutOfMemoryError or a hang (a regular expression gone quadratic) is a finding.
 *
 * <p>{@code mvn test} replays the seeds and past crashes in
 * {@code src/test/resources/org/smapimigrate/lvhd/MgtFuzzTestInputs/readMgt/} (the corpus SR's
 * MGT, cut by {@code fuzz/make-seeds}); {@code fuzz/run mgt MINUTES} fuzzes.
 */
class MgtFuzzTest {

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void readMgt(byte[] input) throws IOException {
        SrMetadataVolume mgt;
        try {
            mgt = SrMetadataVolume.read(new BytesVolume(input, "MGT"), "VG_XenStorage-fuzz/MGT");
        } catch (ImageDefectException expected) {
            return;
        }
        mgt.sr().toString();
        for (MgtVdiRecord slot : mgt.slots()) {
            slot.live();
            slot.isASnapshot();
            slot.snapshotOf();
            slot.snapshotTime();
            slot.managed();
            slot.readOnly();
            slot.vdiType();
        }
        mgt.liveByUuid();
    }
}
