package org.smapimigrate.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;

/**
 * A stand-in SMAPIv1 file SR that knows only raw VDIs ({@code <uuid>.raw}), for testing the
 * migration apart from the VHD reader. Opens files read-only like the real one.
 */
final class RawFilesRepository implements StorageRepository {
    private final Path dir;
    private final String uuid;

    RawFilesRepository(Path dir, String uuid) {
        this.dir = dir;
        this.uuid = uuid;
    }

    @Override
    public SrInventory inventory() throws IOException {
        List<VdiEntry> vdis = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".raw")).sorted().toList()) {
                String vdi = p.getFileName().toString().replace(".raw", "");
                long size = Files.size(p);
                vdis.add(new VdiEntry(vdi, VdiRole.RAW, false, size, size, null, 1, p.toString(), null, null, null,
                        true, "raw"));
            }
        }
        return new SrInventory(dir.toString(), "file", uuid, null, vdis, List.of(), List.of());
    }

    @Override
    public VirtualDisk openVdi(String vdi) throws IOException {
        return RawFileDisk.open(dir.resolve(vdi + ".raw"));
    }

    @Override
    public VirtualDisk openOwnSectors(String vdi) throws IOException {
        return openVdi(vdi);
    }

    @Override
    public void close() {
    }
}
