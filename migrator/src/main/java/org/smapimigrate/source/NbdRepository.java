package org.smapimigrate.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;
import org.smapimigrate.nbd.NbdDisk;
import org.smapimigrate.nbd.NbdUri;

/**
 * An NBD export (any server: smapi-migrate serve, qemu-nbd, xapi-nbd, tapdisk) seen as a source
 * repository holding one VDI, so the migration engine takes it like any SMAPIv1 VDI. The VDI's
 * id is the uuid in the export name when there is one (xapi-nbd's {@code /UUID?session_id=...},
 * serve's {@code UUID}), else the export name; the session reference never becomes an id. Every
 * {@link #openVdi} is a new connection: NbdDisk reads only what block status calls data.
 */
public final class NbdRepository implements StorageRepository {
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final String uri;
    private final Path tlsDir;
    private final String id;
    private final String described;
    private final long size;

    private NbdRepository(String uri, Path tlsDir, String id, String described, long size) {
        this.uri = uri;
        this.tlsDir = tlsDir;
        this.id = id;
        this.described = described;
        this.size = size;
    }

    /** Connects once to learn the size (and fail early with the server's own error). */
    public static NbdRepository open(String uri, Path tlsDir) throws IOException {
        NbdUri parsed = NbdUri.parse(uri);
        try (NbdDisk disk = NbdDisk.open(uri, tlsDir)) {
            return new NbdRepository(uri, tlsDir, vdiId(parsed.exportName()), parsed.describe(), disk.size());
        }
    }

    /** The VDI id an export name stands for. */
    static String vdiId(String exportName) {
        Matcher m = UUID.matcher(exportName);
        if (m.find()) {
            return m.group();
        }
        return exportName.isEmpty() ? "nbd-export" : exportName.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The one VDI's id, for --vdi. */
    public String vdiId() {
        return id;
    }

    @Override
    public SrInventory inventory() {
        VdiEntry vdi = new VdiEntry(id, VdiRole.USER, false, size, size, null, 1, described, null, null,
                "migrated by smapi-migrate from NBD export " + described, true, "raw");
        return new SrInventory(described, "nbd", null, null, List.of(vdi), List.of(), List.of());
    }

    @Override
    public VirtualDisk openVdi(String uuid) throws IOException {
        if (!uuid.equals(id)) {
            throw new IOException(described + ": the NBD source holds one VDI, " + id + ", not " + uuid);
        }
        return NbdDisk.open(uri, tlsDir);
    }

    /** An export has no parents of its own: its own sectors are the whole disk. */
    @Override
    public VirtualDisk openOwnSectors(String uuid) throws IOException {
        return openVdi(uuid);
    }

    @Override
    public void close() {
    }
}
