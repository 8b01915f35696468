package org.smapimigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default --jobs: sysfs's rotational flag of the device (or, for a partition, of its disk)
 * decides, laid out as Linux does (/sys/dev/block/MAJ:MIN a symlink into /sys/devices/...,
 * a partition a subdirectory of its disk without a queue of its own).
 */
class DefaultJobsTest {
    @Test
    void devNumbersDecodeAsGlibcDoes() {
        // makedev(8, 17) and makedev(259, 65536) by glibc's formula.
        assertEquals(8, DefaultJobs.major(0x811L));
        assertEquals(17, DefaultJobs.minor(0x811L));
        long big = ((259L & 0xfff) << 8) | ((259L & ~0xfffL) << 32) | (65536L & 0xff) | ((65536L & ~0xffL) << 12);
        assertEquals(259, DefaultJobs.major(big));
        assertEquals(65536, DefaultJobs.minor(big));
    }

    @Test
    void aSpinningDiskOrItsPartitionMeansOneJob(@TempDir Path sys) throws Exception {
        Path disk = Files.createDirectories(sys.resolve("devices/sda"));
        Files.createDirectories(disk.resolve("queue"));
        Files.writeString(disk.resolve("queue/rotational"), "1\n");
        Path part = Files.createDirectories(disk.resolve("sda1"));
        Path ssd = Files.createDirectories(sys.resolve("devices/nvme0n1/queue"));
        Files.writeString(ssd.resolve("rotational"), "0\n");
        Path block = Files.createDirectories(sys.resolve("dev/block"));
        Files.createSymbolicLink(block.resolve("8:0"), disk);
        Files.createSymbolicLink(block.resolve("8:1"), part);
        Files.createSymbolicLink(block.resolve("259:0"), ssd.getParent());
        assertTrue(DefaultJobs.rotational(block, 8, 0));
        assertTrue(DefaultJobs.rotational(block, 8, 1), "a partition's queue is its disk's");
        assertFalse(DefaultJobs.rotational(block, 259, 0));
        assertFalse(DefaultJobs.rotational(block, 0, 44), "tmpfs has no block device");
    }

    @Test
    void otherwiseOnePerCoreUpToFour() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.min(cores, DefaultJobs.MAX), DefaultJobs.forSources(List.of("nbd://example/x")));
    }
}
