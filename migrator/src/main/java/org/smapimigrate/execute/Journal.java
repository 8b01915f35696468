package org.smapimigrate.execute;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.smapimigrate.migrate.MigrationException;

/**
 * The record of a plan's execution, kept next to the plan ({@code plan.json.journal}): JSON lines,
 * appended only, each written with one {@code write} and made durable ({@code fsync}) before the
 * executor goes on. A run appends a {@code run} line, then one {@code step} line per finished
 * step; a step without a line is not done.
 *
 * <p>A kill in the middle of an append leaves at most a torn last line (no newline, or not JSON):
 * it is ignored and cut off before the next append, so the journal is always a parseable prefix
 * of what happened. A damaged line anywhere else is refused. The file is locked while a run holds
 * it, so two runs of one plan cannot interleave.
 */
public final class Journal implements Closeable {
    public static final String FORMAT = "smapi-migrate-journal/1";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private final List<JournalEntry> entries;
    private final boolean tornTailCut;

    private Journal(Path path, FileChannel channel, FileLock lock, List<JournalEntry> entries, boolean tornTailCut) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.entries = entries;
        this.tornTailCut = tornTailCut;
    }

    /** The journal of {@code planFile}: the same name with {@code .journal} added. */
    public static Path beside(Path planFile) {
        return planFile.resolveSibling(planFile.getFileName() + ".journal");
    }

    /** Reads what is there without locking or changing anything (for reports and tests). */
    public static List<JournalEntry> read(Path path) throws IOException {
        if (!Files.exists(path)) {
            return List.of();
        }
        return parse(path, Files.readAllBytes(path)).entries;
    }

    /** Opens (creating when absent) and locks the journal; a torn last line is cut off. */
    public static Journal open(Path path) throws IOException {
        boolean existed = Files.exists(path);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new MigrationException(path + " is locked: another smapi-migrate run of this plan is going on");
            }
            if (!existed) {
                syncDirectory(path);
            }
            ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(ch.size()));
            while (all.hasRemaining() && ch.read(all, all.position()) > 0) {
                // read the whole file
            }
            Parsed p = parse(path, all.array());
            if (p.validLength < ch.size()) {
                ch.truncate(p.validLength);
                ch.force(true);
            }
            return new Journal(path, ch, lock, new ArrayList<>(p.entries), p.validLength < all.capacity());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private record Parsed(List<JournalEntry> entries, long validLength) {
    }

    private static Parsed parse(Path path, byte[] bytes) throws IOException {
        List<JournalEntry> out = new ArrayList<>();
        int start = 0;
        long valid = 0;
        while (start < bytes.length) {
            int nl = indexOf(bytes, (byte) '\n', start);
            if (nl < 0) {
                break; // torn: the write that would have ended it never finished
            }
            String line = new String(bytes, start, nl - start, StandardCharsets.UTF_8);
            JournalEntry e;
            try {
                e = JSON.readValue(line, JournalEntry.class);
            } catch (JsonProcessingException x) {
                if (indexOf(bytes, (byte) '\n', nl + 1) < 0 && isBlank(bytes, nl + 1)) {
                    break; // the last line, damaged by a crash: as good as torn
                }
                throw new MigrationException(path + ": line at byte " + start + " is not a journal entry ("
                        + x.getOriginalMessage() + "); the journal is damaged, so the state of this plan's run "
                        + "cannot be known: check the target SR by hand");
            }
            out.add(e);
            start = nl + 1;
            valid = start;
        }
        return new Parsed(out, valid);
    }

    private static int indexOf(byte[] b, byte v, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBlank(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] != 0 && b[i] != ' ') {
                return false;
            }
        }
        return true;
    }

    /** So that a new journal's name survives a crash along with its content. */
    private static void syncDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can open a directory; the entries are still fsynced.
        }
    }

    public Path path() {
        return path;
    }

    /** Every entry read or appended, in order. */
    public List<JournalEntry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** True when opening cut off a torn last line. */
    public boolean tornTailCut() {
        return tornTailCut;
    }

    /** Appends one line with a single write and forces it to disk. */
    public void append(JournalEntry e) throws IOException {
        byte[] line = (JSON.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.wrap(line);
        long at = channel.size();
        while (b.hasRemaining()) {
            at += channel.write(b, at);
        }
        channel.force(true);
        entries.add(e);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
