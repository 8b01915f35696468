package org.smapimigrate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How many steps {@code migrate} runs at once unless told ({@code --jobs}): one per core, at
 * most {@value #MAX}, since each job holds a copy pipeline and more jobs than cores only take
 * turns; and 1 when any source disk spins ({@code /sys/dev/block/MAJ:MIN/queue/rotational} is 1,
 * looked up from the device holding each source path, or the partition's whole disk): concurrent
 * streams would make one head seek between them and read slower than one stream alone.
 */
final class DefaultJobs {
    static final int MAX = 4;
    private static final Path SYS_DEV_BLOCK = Path.of("/sys/dev/block");

    private DefaultJobs() {
    }

    static int forSources(List<String> sourcePaths) {
        int cores = Runtime.getRuntime().availableProcessors();
        for (String p : sourcePaths) {
            if (rotational(p)) {
                return 1;
            }
        }
        return Math.max(1, Math.min(cores, MAX));
    }

    /** True when {@code path} (a file, directory or block device) lives on a spinning disk as far as sysfs tells. */
    static boolean rotational(String path) {
        if (path.startsWith("nbd")) {
            return false; // a network export: what spins behind it is the server's business
        }
        try {
            Path p = Path.of(path);
            long dev = Files.isRegularFile(p) || Files.isDirectory(p) ? (Long) Files.getAttribute(p, "unix:dev")
                    : (Long) Files.getAttribute(p, "unix:rdev");
            return rotational(SYS_DEV_BLOCK, major(dev), minor(dev));
        } catch (IOException | RuntimeException e) {
            return false; // not a local device we can look up: assume it does not spin
        }
    }

    static boolean rotational(Path sysDevBlock, long major, long minor) throws IOException {
        Path dev = sysDevBlock.resolve(major + ":" + minor);
        if (!Files.exists(dev)) {
            return false; // tmpfs, overlay and other filesystems without a block device
        }
        Path real = dev.toRealPath();
        for (Path d : new Path[] {real, real.getParent()}) { // a partition's queue is its disk's
            Path flag = d == null ? null : d.resolve("queue").resolve("rotational");
            if (flag != null && Files.isRegularFile(flag)) {
                return Files.readString(flag).strip().equals("1");
            }
        }
        return false;
    }

    /** Linux's {@code major()} of a dev_t (glibc sysmacros.h). */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    }
}
