package org.smapimigrate.vm.transport;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import org.smapimigrate.verify.DiskDigest;

/**
 * The remote transport's files in the state directory, under {@code xapi-transport/}:
 * {@code chain-<uuid>.json} ({@link ChainState}) per chain, {@code digest-<uuid>.json} (the content
 * digest of a verified layer, needed to compute the next layer's delta after a restart), and
 * spool files. Each JSON file is written to a temporary name, forced to disk and renamed, so a
 * kill leaves the old or the new version, never half of one. No secret is ever written here.
 */
final class TransportJournal {
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path dir;

    TransportJournal(Path stateDir) throws IOException {
        this.dir = Files.createDirectories(stateDir.resolve("xapi-transport"));
    }

    /** A source uuid as part of a file name: checked, since it comes from XAPI. */
    static String checkedUuid(String uuid) throws IOException {
        if (uuid == null || !UUID.matcher(uuid).matches()) {
            throw new IOException("remote transport: " + (uuid == null ? "a missing VDI uuid"
                    : "VDI uuid " + org.smapimigrate.xapi.OneLine.quoted(uuid, 60)) + " is not a uuid");
        }
        return uuid.toLowerCase(java.util.Locale.ROOT);
    }

    ChainState load(String headUuid) throws IOException {
        Path f = dir.resolve("chain-" + checkedUuid(headUuid) + ".json");
        if (!Files.exists(f)) {
            return new ChainState();
        }
        try {
            return JSON.readValue(f.toFile(), ChainState.class);
        } catch (IOException e) {
            throw new IOException(f + ": unreadable transport journal (" + e.getMessage().lines().findFirst().orElse("")
                    + "); it is written atomically, so something else changed it", e);
        }
    }

    void save(String headUuid, ChainState state) throws IOException {
        write(dir.resolve("chain-" + checkedUuid(headUuid) + ".json"), JSON.writeValueAsBytes(state));
    }

    void saveDigest(String sourceUuid, DiskDigest digest) throws IOException {
        write(dir.resolve("digest-" + checkedUuid(sourceUuid) + ".json"), JSON.writeValueAsBytes(digest));
    }

    DiskDigest loadDigest(String sourceUuid) throws IOException {
        Path f = dir.resolve("digest-" + checkedUuid(sourceUuid) + ".json");
        if (!Files.exists(f)) {
            return null;
        }
        return JSON.readValue(f.toFile(), DiskDigest.class);
    }

    /** A spool file for {@code purpose} ("source", "delta", "verify") of a VDI; removed when done. */
    Path spool(String purpose, String uuid) throws IOException {
        return dir.resolve(purpose + "-" + checkedUuid(uuid) + ".spool");
    }

    private void write(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
