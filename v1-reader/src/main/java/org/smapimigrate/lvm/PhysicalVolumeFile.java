package org.smapimigrate.lvm;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.disk.ImageDefectException;

/**
 * A PV image or block device opened read-only (FileChannel READ, no lock; never written), with
 * its label and the metadata copies of its metadata areas.
 */
public final class PhysicalVolumeFile implements Closeable {
    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final PvLabel label;
    private final List<MetadataCopy> metadataCopies;

    private PhysicalVolumeFile(Path path, FileChannel channel, long size, PvLabel label,
                               List<MetadataCopy> metadataCopies) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.label = label;
        this.metadataCopies = metadataCopies;
    }

    /**
     * Opens {@code path} read-only and reads its label and every metadata area. A damaged
     * metadata area does not fail the open (another area or PV may hold a good copy); it is a
     * {@link MetadataCopy} with a defect.
     *
     * @throws ImageDefectException when the label is missing or damaged ({@code no-lvm-label},
     *         {@code bad-label-crc}, {@code bad-label}, {@code bad-pv-header})
     */
    public static PhysicalVolumeFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            String file = path.toString();
            PvLabel label = PvLabel.read(ch, file);
            List<MetadataCopy> copies = new ArrayList<>();
            for (DiskLocation area : label.metadataAreas()) {
                copies.add(readCopy(ch, file, area));
            }
            return new PhysicalVolumeFile(path, ch, ch.size(), label, List.copyOf(copies));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** True when {@code path} claims to be an LVM PV (LABELONE in sectors 0-3), damaged or not. */
    public static boolean looksLikePv(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return PvLabel.hasLabelId(ch);
        }
    }

    private static MetadataCopy readCopy(FileChannel ch, String file, DiskLocation area) throws IOException {
        MetadataAreaHeader header = null;
        MetadataText text = null;
        try {
            header = MetadataAreaHeader.read(ch, file, area);
            RawLocation loc = header.committed();
            if (loc == null || loc.empty() || loc.ignored()) {
                return new MetadataCopy(area, header, null, null, null);
            }
            text = MetadataText.read(ch, file, header, loc);
            return new MetadataCopy(area, header, text, MetadataImport.read(text, file), null);
        } catch (ImageDefectException e) {
            return new MetadataCopy(area, header, text, null, e);
        }
    }

    public Path path() {
        return path;
    }

    /** The channel, positioned reads only; owned by this object. */
    FileChannel channel() {
        return channel;
    }

    /** The file or device size in bytes. */
    public long size() {
        return size;
    }

    public PvLabel label() {
        return label;
    }

    /** The PV uuid from the label, dashed. */
    public String pvId() {
        return label.pvId();
    }

    public List<MetadataCopy> metadataCopies() {
        return metadataCopies;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
