package org.smapimigrate.xapi.xva;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.smapimigrate.disk.ImageDefectException;

/**
 * Coverage-guided fuzzing of the XVA reader: sniffing, the tar stream, ova.xml's XML-RPC, the
 * chunk walk and its checksums. The input is an archive's bytes; every disk is read to its end.
 * The only acceptable failure is an {@link ImageDefectException}; anything else, an
 * OutOfMemoryError (a size field trusted) or a hang is a finding.
 *
 * <p>{@code mvn test} replays the seeds in
 * {@code src/test/resources/org/smapimigrate/xapi/xva/XvaFuzzTestInputs/readArchive/} (small
 * archives written by {@link XvaWriter}: plain, gzip, zstd, both checksum kinds, keep-alives);
 * {@code fuzz/run xva MINUTES} fuzzes.
 */
class XvaFuzzTest {

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void readArchive(byte[] input) throws IOException {
        try (XvaArchive a = XvaArchive.open(new ByteArrayInputStream(input), "fuzz.xva")) {
            ByteBuffer buf = ByteBuffer.allocate(64 << 10);
            for (XvaVdi v : a.header().disks()) {
                XvaDisk d = a.disk(v.ref());
                for (long at = 0; at < d.size(); at += buf.capacity()) {
                    buf.clear().limit((int) Math.min(buf.capacity(), d.size() - at));
                    d.read(buf, at);
                }
            }
            a.verifyRest();
        } catch (ImageDefectException expected) {
            // the one acceptable failure
        }
    }
}
