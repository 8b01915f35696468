package org.smapimigrate.batch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock across processes: a child JVM holds it, this one is refused at once, and SIGKILL frees it. */
class RunLockTest {
    @TempDir
    Path state;

    /** The child: takes the lock, says so, and waits to be killed. */
    public static void main(String[] args) throws Exception {
        RunLock.take(Path.of(args[0]));
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(60_000);
    }

    @Test
    void aSecondRunIsRefusedAtOnceNamingTheHolderAndAKilledHolderLeavesNoStaleLock() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RunLockTest.class.getName(), state.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
            String line = out.readLine();
            assertTrue("locked".equals(line), "child said: " + line);
            long t0 = System.nanoTime();
            RunLock.Held e = assertThrows(RunLock.Held.class, () -> RunLock.take(state));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "refused at once");
            assertTrue(e.getMessage().contains("pid " + child.pid() + " on "), e.getMessage());
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor(10, TimeUnit.SECONDS);
        }
        RunLock.take(state).close(); // the kernel dropped the dead holder's lock
    }
}
