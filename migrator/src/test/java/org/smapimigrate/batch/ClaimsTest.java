package org.smapimigrate.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claim files: exclusive, released by their holder only, taken over from dead or expired holders. */
class ClaimsTest {
    @TempDir
    Path state;

    private static final Instant T0 = Instant.parse("2026-12-05T22:00:00Z");

    /** A clock a test moves by hand. */
    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    @Test
    void aClaimIsExclusiveAcrossHostsUntilItsHolderReleasesIt() throws Exception {
        try (Claims a = new Claims(state, "host-a", Duration.ofMinutes(10), Clock.systemUTC());
             Claims b = new Claims(state, "host-b", Duration.ofMinutes(10), Clock.systemUTC())) {
            Claims.Attempt first = a.claim("j", "/sr", "v1");
            assertTrue(first.taken());
            Claims.Attempt second = b.claim("j", "/sr", "v1");
            assertFalse(second.taken());
            assertTrue(second.heldBy().contains("on host-a"), second.heldBy());
            assertTrue(second.heldBy().contains("pid " + ProcessHandle.current().pid()), second.heldBy());
            assertTrue(b.claim("j", "/sr", "v2").taken(), "another volume is free");
            assertTrue(b.claim("other-job", "/sr", "v1").taken(), "claims are per job");

            Claims.Holder h = new ObjectMapper().readValue(Files.readAllBytes(first.claim().file()), Claims.Holder.class);
            assertEquals("host-a", h.host());
            assertEquals(ProcessHandle.current().pid(), h.pid());
            assertEquals("v1", h.vdi());

            first.claim().close();
            assertFalse(Files.exists(first.claim().file()), "released on close");
            assertTrue(b.claim("j", "/sr", "v1").taken(), "free once released");
        }
    }

    @Test
    void aClaimOfADeadProcessOnThisHostIsTakenOverButOneOfALiveProcessIsNot() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
        try (Claims mine = new Claims(state, "host-a", Duration.ofMinutes(10), Clock.systemUTC())) {
            Path file = leftover(mine, "v1", "host-a", gone.pid(), null, Instant.now());
            Claims.Attempt a = mine.claim("j", "/sr", "v1");
            assertTrue(a.taken(), "the holder's process is gone");
            assertTrue(a.claim().takenOver().contains("its process is gone"), a.claim().takenOver());
            assertEquals(file, a.claim().file());

            // a pid that lives, but belongs to a process started at another time: reused
            leftover(mine, "v2", "host-a", ProcessHandle.current().pid(), Instant.parse("2000-01-01T00:00:00Z"),
                    Instant.now());
            Claims.Attempt reused = mine.claim("j", "/sr", "v2");
            assertTrue(reused.taken());
            assertTrue(reused.claim().takenOver().contains("another process"), reused.claim().takenOver());

            // this very process, as another run in it would be: alive, left alone
            leftover(mine, "v3", "host-a", ProcessHandle.current().pid(),
                    ProcessHandle.current().info().startInstant().orElse(null), Instant.now());
            assertFalse(mine.claim("j", "/sr", "v3").taken());
        }
    }

    @Test
    void anotherHostsClaimIsLeftAloneUntilItIsALeaseOld() throws Exception {
        MovableClock clock = new MovableClock(T0);
        try (Claims mine = new Claims(state, "host-a", Duration.ofMinutes(10), clock)) {
            // a pid that is certainly not running here: irrelevant, it is another host's process
            leftover(mine, "v1", "host-b", Integer.MAX_VALUE, null, T0);
            clock.now = T0.plus(Duration.ofMinutes(9));
            Claims.Attempt early = mine.claim("j", "/sr", "v1");
            assertFalse(early.taken(), "another host's pid cannot be checked from here");
            assertTrue(early.heldBy().contains("on host-b"));
            clock.now = T0.plus(Duration.ofMinutes(11));
            Claims.Attempt late = mine.claim("j", "/sr", "v1");
            assertTrue(late.taken());
            assertTrue(late.claim().takenOver().contains("not renewed for 660 s"), late.claim().takenOver());
        }
    }

    @Test
    void aHolderWhoseClaimWasTakenOverDoesNotRemoveTheNewOne() throws Exception {
        MovableClock clock = new MovableClock(T0);
        try (Claims a = new Claims(state, "host-a", Duration.ofMinutes(10), clock);
             Claims b = new Claims(state, "host-b", Duration.ofMinutes(10), clock)) {
            Claims.Attempt old = a.claim("j", "/sr", "v1");
            clock.now = T0.plus(Duration.ofMinutes(30)); // host-a was cut off: no renewal on the fake clock
            Claims.Attempt taken = b.claim("j", "/sr", "v1");
            assertTrue(taken.taken());
            old.claim().close();
            assertTrue(Files.exists(taken.claim().file()), "host-b's claim stays");
            assertFalse(a.claim("j", "/sr", "v1").taken(), "and still excludes");
        }
    }

    @Test
    void aLiveHolderRenewsItsClaimSoAShortLeaseDoesNotExpireIt() throws Exception {
        Duration lease = Duration.ofMillis(400);
        try (Claims a = new Claims(state, "host-a", lease, Clock.systemUTC());
             Claims b = new Claims(state, "host-b", lease, Clock.systemUTC())) {
            Claims.Attempt held = a.claim("j", "/sr", "v1");
            for (int i = 0; i < 8; i++) {
                Thread.sleep(150); // 1.2 s in all: three leases
                assertFalse(b.claim("j", "/sr", "v1").taken(), "renewed every lease/4");
            }
            held.claim().close();
            assertTrue(b.claim("j", "/sr", "v1").taken());
        }
    }

    @Test
    void hostileNamesStayInsideTheClaimsDirectoryAndBadHostNamesAreRefused() throws Exception {
        try (Claims a = new Claims(state, "host-a", Duration.ofMinutes(10), Clock.systemUTC())) {
            Claims.Attempt c = a.claim("../../j", "/sr\n<script>", "../../../etc/passwd");
            assertTrue(c.taken());
            assertEquals(state.resolve("claims"), c.claim().file().getParent());
            assertFalse(c.claim().file().getFileName().toString().contains("/"));
        }
        assertThrows(IllegalArgumentException.class, () -> new Claims(state, "../x", Duration.ofMinutes(1),
                Clock.systemUTC()));
        assertThrows(IllegalArgumentException.class, () -> new Claims(state, "a\nb", Duration.ofMinutes(1),
                Clock.systemUTC()));
    }

    @Test
    void anUnreadableClaimIsLeftForALease() throws Exception {
        MovableClock clock = new MovableClock(T0);
        try (Claims a = new Claims(state, "host-a", Duration.ofMinutes(10), clock)) {
            Path f = state.resolve("claims").resolve(Claims.fileName("j", "/sr", "v1"));
            Files.createDirectories(f.getParent());
            Files.write(f, new byte[] {'{'});
            Files.setLastModifiedTime(f, FileTime.from(T0));
            assertFalse(a.claim("j", "/sr", "v1").taken());
            clock.now = T0.plus(Duration.ofMinutes(11));
            assertTrue(a.claim("j", "/sr", "v1").taken());
        }
    }

    /** A claim file as a run that died would have left it (written here by hand, in the documented shape). */
    private Path leftover(Claims claims, String vdi, String host, long pid, Instant processStart, Instant at)
            throws Exception {
        Path file = state.resolve("claims").resolve(Claims.fileName("j", "/sr", vdi));
        Files.createDirectories(file.getParent());
        Claims.Holder h = new Claims.Holder(host, pid, processStart == null ? null : processStart.toString(),
                at.toString(), "dead-token-" + vdi, "j", "/sr", vdi);
        Files.write(file, new ObjectMapper().writeValueAsBytes(h));
        Files.setLastModifiedTime(file, FileTime.from(at));
        return file;
    }
}
