package org.smapimigrate.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    /** A clock that only moves when slept on, or when the test moves it (idle gaps). */
    private static final class FakeClock {
        long now = 1_000_000_000L;
    }

    /**
     * The model: over the whole run, admitted bytes never exceed rate * elapsed + burst; checked
     * after every request, whatever the sizes and the idle gaps between them.
     */
    @Property(tries = 300)
    void admittedBytesNeverExceedRateTimesTimePlusBurst(
            @ForAll @LongRange(min = 1, max = 1 << 30) long rate,
            @ForAll @LongRange(min = 4096, max = 1 << 24) long burst, // at least a page: a 1-byte burst only makes the run slow (the CLI uses 64 KiB or more)
            @ForAll @Size(min = 1, max = 40) List<@LongRange(min = 0, max = 1 << 26) Long> sizes,
            @ForAll @Size(min = 40, max = 40) List<@IntRange(min = 0, max = 2_000_000_000) Integer> gaps)
            throws InterruptedException {
        FakeClock c = new FakeClock();
        long start = c.now;
        TokenBucket b = new TokenBucket(rate, burst, () -> c.now, n -> c.now += n);
        long admitted = 0;
        for (int i = 0; i < sizes.size(); i++) {
            c.now += gaps.get(i);
            b.acquire(sizes.get(i));
            admitted += sizes.get(i);
            double elapsed = (c.now - start) / 1e9;
            long soFar = admitted;
            // one token of slack for the double arithmetic of the refill
            assertTrue(admitted <= rate * elapsed + burst + 1,
                    () -> "admitted " + soFar + " after " + elapsed + " s exceeds rate*t+burst");
        }
    }

    @Test
    void aSteadyStreamRunsAtTheRate() throws InterruptedException {
        FakeClock c = new FakeClock();
        long start = c.now;
        long rate = 50L << 20;
        TokenBucket b = new TokenBucket(rate, 1 << 20, () -> c.now, n -> c.now += n);
        for (int i = 0; i < 1024; i++) {
            b.acquire(1 << 20); // 1 GiB in 1 MiB reads
        }
        double seconds = (c.now - start) / 1e9;
        // 1 GiB at 50 MiB/s is 20.48 s, less the first burst of 1 MiB (0.02 s)
        assertEquals(1023.0 / 50, seconds, 0.01);
    }
}
