package org.smapimigrate.lvm;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.disk.VirtualDisk;

/**
 * An LV read straight from its PVs' extents (lvm2-ondisk.md §6, "Mapping an LV byte to a PV
 * byte"). Linear pieces that continue each other on one PV are merged, so a read issues one
 * positional FileChannel read per contiguous run; a striped segment is read chunk by chunk.
 * Every byte of an LV is allocated: its extents are all {@link ExtentKind#DATA}.
 */
public final class LogicalVolumeDisk implements VirtualDisk {

    /**
     * LV bytes {@code [lvStart, lvStart + length)}. {@code areaStarts[i]} is the PV byte where
     * area i begins on {@code files[i]}; {@code chunk} is the stripe chunk in bytes, 0 for linear.
     */
    private record Run(long lvStart, long length, PhysicalVolumeFile[] files, long[] areaStarts, long chunk) {
        long end() {
            return lvStart + length;
        }
    }

    private final String name;
    private final LogicalVolume lv;
    private final long size;
    private final Run[] runs;
    private final long[] runStarts;

    private LogicalVolumeDisk(String name, LogicalVolume lv, List<Run> runs) {
        this.name = name;
        this.lv = lv;
        this.size = lv.sizeBytes();
        this.runs = runs.toArray(new Run[0]);
        this.runStarts = runs.stream().mapToLong(Run::lvStart).toArray();
    }

    /**
     * Maps {@code lv} of {@code vg} onto the PV files {@code fileOf} returns for a PV key (null
     * when the PV is missing).
     */
    static LogicalVolumeDisk of(VolumeGroup vg, LogicalVolume lv, Function<String, PhysicalVolumeFile> fileOf)
            throws ImageDefectException {
        String name = vg.name() + "/" + lv.name();
        if (lv.problem() != null) {
            throw new ImageDefectException(lv.problem().code(), name, -1, lv.problem().detail());
        }
        long e = vg.extentSizeBytes();
        List<Run> runs = new ArrayList<>();
        for (Segment seg : lv.segments()) {
            int n = (int) seg.stripeCount();
            long areaBytes = seg.extentCount() / n * e;
            PhysicalVolumeFile[] files = new PhysicalVolumeFile[n];
            long[] starts = new long[n];
            for (int i = 0; i < n; i++) {
                StripeArea area = seg.stripes().get(i);
                PhysicalVolume pv = vg.pvByKey(area.pv()).orElseThrow();
                files[i] = fileOf.apply(pv.key());
                if (files[i] == null) {
                    throw new ImageDefectException("missing-pv", name, -1, "LV " + lv.name() + " " + seg.name()
                            + " lies on PV " + pv.id() + " (" + pv.key() + ", last seen as " + pv.deviceHint()
                            + "), which was not given: add the image or device holding that PV");
                }
                starts[i] = pv.peStartBytes() + area.startExtent() * e;
                if (starts[i] + areaBytes > files[i].size()) {
                    throw new ImageDefectException("truncated", files[i].path().toString(), starts[i],
                            "LV " + lv.name() + " " + seg.name() + " needs bytes " + starts[i] + "-"
                                    + (starts[i] + areaBytes - 1) + " of PV " + pv.id() + ", but the file has "
                                    + files[i].size() + " bytes");
                }
            }
            long lvStart = seg.startExtent() * e;
            long length = seg.extentCount() * e;
            Run run = new Run(lvStart, length, files, starts, n == 1 ? 0 : seg.stripeSize() * 512);
            Run prev = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (prev != null && prev.chunk == 0 && run.chunk == 0 && prev.files[0] == files[0]
                    && prev.areaStarts[0] + prev.length == starts[0]) {
                runs.set(runs.size() - 1, new Run(prev.lvStart, prev.length + length, files, prev.areaStarts, 0));
            } else {
                runs.add(run);
            }
        }
        return new LogicalVolumeDisk(name, lv, runs);
    }

    public LogicalVolume logicalVolume() {
        return lv;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        int want = dst.remaining();
        if (offset < 0 || offset > size - want) {
            throw new IllegalArgumentException(name + ": read of " + want + " bytes at " + offset
                    + " is outside the LV (size " + size + ")");
        }
        int limit = dst.limit();
        long pos = offset;
        int r = runIndex(pos);
        try {
            while (dst.position() < limit) {
                while (pos >= runs[r].end()) {
                    r++;
                }
                Run run = runs[r];
                long o = pos - run.lvStart;
                PhysicalVolumeFile file;
                long pvPos;
                long avail;
                if (run.chunk == 0) {
                    file = run.files[0];
                    pvPos = run.areaStarts[0] + o;
                    avail = run.length - o;
                } else {
                    // dm-stripe: chunks go round-robin over the areas.
                    long chunkIndex = o / run.chunk;
                    int area = (int) (chunkIndex % run.files.length);
                    long row = chunkIndex / run.files.length;
                    long within = o % run.chunk;
                    file = run.files[area];
                    pvPos = run.areaStarts[area] + row * run.chunk + within;
                    avail = run.chunk - within;
                }
                int n = (int) Math.min(avail, limit - dst.position());
                dst.limit(dst.position() + n);
                try {
                    RawFileDisk.readFully(file.channel(), dst, pvPos, file.path().toString());
                } catch (EOFException eof) {
                    throw new ImageDefectException("truncated", file.path().toString(), pvPos,
                            name + ": the PV file ended while reading the LV (did it shrink?)", eof);
                }
                pos += n;
            }
        } finally {
            dst.limit(limit);
        }
    }

    private int runIndex(long pos) {
        int i = Arrays.binarySearch(runStarts, pos);
        return i >= 0 ? i : Math.max(0, -i - 2);
    }

    @Override
    public List<Extent> extents(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IllegalArgumentException(name + ": extent range outside the LV");
        }
        return length == 0 ? List.of() : List.of(new Extent(offset, length, ExtentKind.DATA));
    }

    @Override
    public String describe() {
        return name;
    }

    /** Closes nothing: the PV files belong to the {@link OfflineVolumeGroup}. */
    @Override
    public void close() {
    }
}
