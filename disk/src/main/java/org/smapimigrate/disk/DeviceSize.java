package org.smapimigrate.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The size of a regular file or a block device (whose fstat size is 0). */
public final class DeviceSize {
    private DeviceSize() {
    }

    /**
     * The size in bytes of a regular file or block device. A block device's size comes from
     * {@code /sys/class/block/<dev>/size} (512-byte sectors, whatever the logical block size);
     * {@code fallback} (the volume's virtual size) is used when sysfs does not know the device.
     */
    public static long of(Path path, long fallback) throws IOException {
        Path real = path.toRealPath();
        if (Files.isRegularFile(real)) {
            return Files.size(real);
        }
        Path sys = Path.of("/sys/class/block").resolve(real.getFileName().toString()).resolve("size");
        if (Files.isReadable(sys)) {
            String text = Files.readString(sys).strip();
            try {
                return Math.multiplyExact(Long.parseLong(text), 512L);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IOException(sys + ": not a sector count: '" + text + "'");
            }
        }
        if (fallback < 0) {
            throw new IOException(path + ": cannot tell its size (not a regular file, not in /sys/class/block)");
        }
        return fallback;
    }
}
