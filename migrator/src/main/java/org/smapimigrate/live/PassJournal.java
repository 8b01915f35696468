package org.smapimigrate.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.smapimigrate.migrate.MigrationException;

/**
 * The record of a live run's passes, beside the plan's own journal ({@code plan.json.live}): JSON
 * lines, appended with one write each and forced to disk before the run goes on, like the
 * engine's journal. A frozen state is journaled as soon as the controller returns it, before
 * anything reads it, so that a run killed anywhere knows every snapshot it made but one that a
 * freeze was still making (the controller's {@link SourceController#recover} finds that one). A
 * torn last line (a kill in the middle of a write) is cut off.
 */
final class PassJournal implements Closeable {
    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path path;
    private final FileChannel channel;
    private final List<PassEvent> events;

    private PassJournal(Path path, FileChannel channel, List<PassEvent> events) {
        this.path = path;
        this.channel = channel;
        this.events = events;
    }

    /** The pass journal of a plan file: its name with {@code .live} added. */
    static Path beside(Path planFile) {
        return planFile.resolveSibling(planFile.getFileName() + ".live");
    }

    /** Reads without changing anything. */
    static List<PassEvent> read(Path path) throws IOException {
        if (!Files.exists(path)) {
            return List.of();
        }
        return parse(path, Files.readAllBytes(path), null);
    }

    /**
     * Opens (creating when absent) and locks it for this run; a torn last line is cut off. A
     * second run of the same live migration while one is going on is refused: both would freeze,
     * release and stop the same disk.
     */
    static PassJournal open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            java.nio.channels.FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new MigrationException(path + " is locked: another run of this live migration is going on;"
                        + " wait for it or stop it (it resumes later)");
            }
            byte[] all = Files.readAllBytes(path);
            long[] valid = {0};
            List<PassEvent> events = parse(path, all, valid);
            if (valid[0] < all.length) {
                ch.truncate(valid[0]);
                ch.force(true);
            }
            return new PassJournal(path, ch, new ArrayList<>(events));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static List<PassEvent> parse(Path path, byte[] bytes, long[] validOut) throws IOException {
        List<PassEvent> out = new ArrayList<>();
        int start = 0;
        while (start < bytes.length) {
            int nl = start;
            while (nl < bytes.length && bytes[nl] != '\n') {
                nl++;
            }
            if (nl == bytes.length) {
                break; // torn
            }
            String line = new String(bytes, start, nl - start, StandardCharsets.UTF_8);
            try {
                out.add(JSON.readValue(line, PassEvent.class));
            } catch (JsonProcessingException x) {
                if (nl + 1 >= bytes.length) {
                    break; // the last line, damaged by a crash
                }
                throw new MigrationException(path + ": line at byte " + start + " is not a pass record ("
                        + x.getOriginalMessage() + "); the live run's state cannot be known: check the source's"
                        + " snapshots by hand, then run with --abort");
            }
            start = nl + 1;
        }
        if (validOut != null) {
            validOut[0] = start;
        }
        return out;
    }

    Path path() {
        return path;
    }

    List<PassEvent> events() {
        return Collections.unmodifiableList(events);
    }

    void append(PassEvent e) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((JSON.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8));
        long at = channel.size();
        while (b.hasRemaining()) {
            at += channel.write(b, at);
        }
        channel.force(true);
        events.add(e);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
