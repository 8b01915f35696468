package org.smapimigrate.disk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where a regular file holds data and where it has holes, as the kernel reports it through
 * {@code lseek(SEEK_DATA)} and {@code lseek(SEEK_HOLE)} (lseek(2); tmpfs, ext4, XFS, btrfs, NFS 4.2
 * and ZFS answer them). A hole reads as zeros by definition (lseek(2): "a hole is a sequence of
 * zeros that were not written"), so a read-back need not read it: reading costs what the file
 * holds, not its size (issue 10). A file system without the calls reports the whole file as data,
 * which only costs the reading.
 *
 * <p>Java has no {@code SEEK_DATA}, so a short Python script (python3 -S, standard library only;
 * Python is what xapi-storage plugins run on, so it is there wherever a plugin is) makes the calls
 * and prints one {@code OFFSET LENGTH} line per data run, then {@code end}, when the extents are
 * first asked for ({@link #dataRuns}): about what starting Python costs (tens of ms). Its output
 * is checked (ascending, inside the file, ending in {@code end}); anything else, a missing Python,
 * or a time limit passed, gives no map: then every byte is read, as before.
 */
public final class FileHoles {
    /** The file's first {@code size} bytes: data runs as {@code OFFSET LENGTH} lines, then {@code end}. */
    static final String SCRIPT = String.join("\n",
            "import errno, os, sys",
            "fd = os.open(sys.argv[1], os.O_RDONLY)",
            "end = int(sys.argv[2])",
            "pos = 0",
            "out = []",
            "while pos < end:",
            "    try:",
            "        data = os.lseek(fd, pos, os.SEEK_DATA)",
            "    except OSError as e:",
            "        if e.errno == errno.ENXIO:",
            "            break",
            "        raise",
            "    if data >= end:",
            "        break",
            "    hole = os.lseek(fd, data, os.SEEK_HOLE)",
            "    out.append('%d %d' % (data, min(hole, end) - data))",
            "    pos = hole",
            "out.append('end')",
            "sys.stdout.write('\\n'.join(out) + '\\n')",
            "");
    private static final long TIME_LIMIT_MS = 30_000;
    private static final int OUTPUT_LIMIT = 64 << 20;

    private final Path path;
    private final long size;
    private List<Extent> runs;
    private boolean done;

    private FileHoles(Path path, long size) {
        this.path = path;
        this.size = size;
    }

    /**
     * The holes of the first {@code size} bytes of {@code path}, found the first time
     * {@link #dataRuns} is asked (a reader that never asks for extents costs no process). For
     * anything but a regular file (a block device has no holes to find), or when Python cannot
     * start, {@link #dataRuns} answers null.
     */
    public static FileHoles of(Path path, long size) {
        return new FileHoles(path, size);
    }

    /**
     * The data runs (kind {@link ExtentKind#DATA}), ascending and apart, inside the first
     * {@code size} bytes; everything between them is a hole. Null when the file could not be
     * mapped: then all of it must be read. Runs the helper the first time.
     */
    public synchronized List<Extent> dataRuns() {
        if (!done) {
            done = true;
            runs = Files.isRegularFile(path) ? map() : null;
        }
        return runs;
    }

    private List<Extent> map() {
        Path out = null;
        Process process = null;
        try {
            // Into a file, not a pipe: the time limit holds even if the helper blocks, and a long
            // answer cannot fill a pipe nobody reads yet.
            out = Files.createTempFile("smapi-migrate-holes", ".txt");
            process = new ProcessBuilder(python(), "-S", "-c", SCRIPT, path.toString(), Long.toString(size))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(out.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(TIME_LIMIT_MS, TimeUnit.MILLISECONDS) || process.exitValue() != 0
                    || Files.size(out) > OUTPUT_LIMIT) {
                return null;
            }
            return parse(Files.readString(out, StandardCharsets.US_ASCII), size);
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a temporary file left behind: nothing depends on it
                }
            }
        }
    }

    /**
     * The system's Python, as the plugins' {@code #!/usr/bin/python3} lines name it, else the
     * first on PATH: a version manager's shim on PATH (pyenv's is a bash script) can take longer
     * to start than the reading it would save.
     */
    static String python() {
        return Files.isExecutable(SYSTEM_PYTHON) ? SYSTEM_PYTHON.toString() : "python3";
    }

    private static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

    /** The helper's output as data runs, or null if it is not exactly what the script prints. */
    static List<Extent> parse(String text, long size) {
        List<Extent> runs = new ArrayList<>();
        long after = 0;
        String[] lines = text.split("\n", -1);
        // The last element is what follows the final newline: nothing.
        if (lines.length < 2 || !lines[lines.length - 1].isEmpty() || !lines[lines.length - 2].equals("end")) {
            return null;
        }
        for (int i = 0; i < lines.length - 2; i++) {
            String[] f = lines[i].split(" ", -1);
            if (f.length != 2) {
                return null;
            }
            long offset;
            long length;
            try {
                offset = Long.parseLong(f[0]);
                length = Long.parseLong(f[1]);
            } catch (NumberFormatException e) {
                return null;
            }
            if (offset < after || length <= 0 || offset > size - length) {
                return null;
            }
            runs.add(new Extent(offset, length, ExtentKind.DATA));
            after = offset + length;
        }
        return List.copyOf(runs);
    }

    /**
     * {@code [offset, offset + length)} cut into data and holes (kind {@link ExtentKind#UNALLOCATED})
     * by {@code runs}; with no runs (null), one data extent.
     */
    static List<Extent> cut(List<Extent> runs, long offset, long length) {
        if (length == 0) {
            return List.of();
        }
        if (runs == null) {
            return List.of(new Extent(offset, length, ExtentKind.DATA));
        }
        List<Extent> out = new ArrayList<>();
        long end = offset + length;
        long pos = offset;
        int i = firstEndingAfter(runs, offset);
        for (; i < runs.size() && runs.get(i).offset() < end; i++) {
            Extent r = runs.get(i);
            long from = Math.max(r.offset(), offset);
            long to = Math.min(r.end(), end);
            if (from > pos) {
                out.add(new Extent(pos, from - pos, ExtentKind.UNALLOCATED));
            }
            out.add(new Extent(from, to - from, ExtentKind.DATA));
            pos = to;
        }
        if (pos < end) {
            out.add(new Extent(pos, end - pos, ExtentKind.UNALLOCATED));
        }
        return out;
    }

    /** Index of the first run ending after {@code offset} (binary search: runs are ascending). */
    private static int firstEndingAfter(List<Extent> runs, long offset) {
        int lo = 0;
        int hi = runs.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (runs.get(mid).end() <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public String toString() {
        return "holes of " + path;
    }
}
