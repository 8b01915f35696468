package org.smapimigrate.live;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.smapimigrate.chain.ChainLayer;
import org.smapimigrate.chain.VhdChain;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ExtentKind;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.migrate.MigrationException;
import org.smapimigrate.vhd.VhdWriter;

/**
 * The source controller for a file SR on this machine: snapshots exactly as SM's
 * {@code FileVDI._snapshot} does (smapiv1-layout.md A, "Snapshot/clone"), with the writer (the
 * VM's tapdisk, or whatever plays it) paused around it through the reopen hook, as SM pauses
 * tapdisk ({@code tap-ctl pause}/{@code unpause}); stop and start are hook commands
 * ({@link HookCommand}).
 *
 * <p>A freeze of VDI {@code V} (file {@code V.vhd}):
 * <ol>
 *   <li>the intent (new uuids {@code B}, {@code N}) is recorded in this controller's record file;</li>
 *   <li>reopen hook {@code pause}: the writer closes {@code V.vhd} (its metadata on disk) and waits;</li>
 *   <li>{@code link(V.vhd, B.vhd)}: the written data, under a new name, becomes the base copy;</li>
 *   <li>an empty differencing child of {@code B.vhd} is written as {@code V.vhd.new} (our
 *       {@link VhdWriter}, blktap's layout) and renamed over {@code V.vhd}: the VDI's uuid now
 *       names a new empty leaf, as after {@code td-util snapshot} + {@code rename};</li>
 *   <li>a second empty child {@code N.vhd}, the snapshot VDI, which the frozen state reads;</li>
 *   <li>{@code B.vhd} gets the hidden flag (footer byte 85), as {@code vhd-util set -f hidden};</li>
 *   <li>reopen hook {@code unpause}: the writer reopens {@code V.vhd} by name and goes on.</li>
 * </ol>
 * A kill between 3 and 6 leaves one of SM's own crash states (two names for one inode, a stray
 * {@code .vhd.new}, a base not yet hidden); {@link #recover} undoes the freeze before step 4's
 * rename and finishes it after, then unpauses the writer (so the unpause must be harmless when
 * the writer is not paused).
 *
 * <p>Release deletes {@code N.vhd}, as {@code VDI.destroy} of a snapshot does. What stays in the
 * SR is what any {@code VDI.snapshot} + {@code VDI.destroy} leaves on a real file SR: one hidden
 * base copy per freeze, each with one child, which SM's garbage collector coalesces (a chain
 * of N freezes is N layers deeper until it does; a freeze is refused when the chain would reach
 * SM's limit of {@value VhdChain#SM_MAX_CHAIN_SIZE}). No snapshot VDI (visible leaf) is left.
 *
 * <p>{@link #changedBetween} is exact to the sector: the union of the sector bitmaps of the layers
 * in the newer state's chain that the older one does not have.
 */
public final class LocalController implements SourceController {
    private static final Pattern UUID_NAME = Pattern.compile("[0-9a-fA-F-]{1,64}");
    private static final Duration REOPEN_LIMIT = Duration.ofSeconds(60);
    private static final Duration START_LIMIT = Duration.ofMinutes(10);
    /** Granularity of the changed ranges: a VHD sector. */
    private static final int SECTOR = 512;
    private static final long WINDOW = 1L << 30;

    private final FileSr sr;
    private final Path records;
    private final HookCommand reopen;
    private final HookCommand stop;
    private final HookCommand start;
    private String stoppedDisk;
    private String switchedTo;

    /**
     * @param srDirectory the file SR's directory
     * @param records     where this controller keeps the record of the snapshots it makes (a
     *                    directory of the run's state, not the SR)
     * @param reopen      the reopen hook, or null when no process holds the leaf open between passes
     * @param stop        the stop hook
     * @param start       the start hook
     */
    public LocalController(Path srDirectory, Path records, HookCommand reopen, HookCommand stop, HookCommand start)
            throws IOException {
        this.sr = FileSr.open(srDirectory);
        this.records = records;
        this.reopen = reopen;
        this.stop = stop;
        this.start = start;
        Files.createDirectories(records);
    }

    @Override
    public String describe() {
        return "local file SR " + sr.directory();
    }

    private Path file(String uuid) throws MigrationException {
        if (!UUID_NAME.matcher(uuid).matches()) {
            throw new MigrationException("'" + uuid + "' is not a VDI uuid of " + sr.directory());
        }
        return sr.directory().resolve(uuid + ".vhd");
    }

    private Map<String, String> env(String disk) throws MigrationException {
        Map<String, String> m = new HashMap<>();
        m.put(HookCommand.VDI, disk);
        m.put(HookCommand.LEAF, file(disk).toString());
        m.put(HookCommand.SR, sr.directory().toString());
        return m;
    }

    /**
     * Refuses, before anything changes, a disk whose CBT is on: SM keeps a VDI's CBT log chain in
     * step with its snapshots ({@code <vdi>.cbtlog}, smapiv1-layout.md A; a snapshot gets a log of
     * its own and the leaf's log a new link), which this controller's snapshot does not do, so a
     * backup tool's next {@code VDI.list_changed_blocks} would miss what changed. Called by the live
     * run before its first step, and again by each freeze.
     *
     * @throws MigrationException one line: what, why, what to do
     */
    public void refuseTrackedDisk(String disk) throws MigrationException {
        Path log = sr.directory().resolve(file(disk).getFileName().toString().replaceFirst("\\.vhd$", ".cbtlog"));
        if (Files.exists(log, LinkOption.NOFOLLOW_LINKS)) {
            throw new MigrationException("VDI " + disk + " has changed block tracking on (" + log
                    + "): a live migration with --sr snapshots it without keeping its CBT log chain as SM does, so"
                    + " CBT users (backups) would miss changes; turn CBT off first (xe vdi-disable-cbt uuid=" + disk
                    + "), or migrate through the pool (--xapi URL --vm NAME)");
        }
    }

    @Override
    public FrozenState freeze(String disk) throws IOException {
        Path leaf = file(disk);
        refuseTrackedDisk(disk);
        if (stoppedDisk == null) {
            stoppedDisk = disk;
        }
        if (!Files.isRegularFile(leaf, LinkOption.NOFOLLOW_LINKS)) {
            throw new MigrationException("no VHD VDI " + disk + " in " + sr.directory() + " (" + leaf.getFileName()
                    + " is missing; a raw VDI cannot be snapshotted as SM does: migrate it offline)");
        }
        long size;
        try (VirtualDisk chain = sr.openVdi(disk)) {
            int depth = ((VhdChain) chain).depth();
            if (depth + 1 >= VhdChain.SM_MAX_CHAIN_SIZE) {
                throw new MigrationException("VDI " + disk + " has a chain of depth " + depth + "; one more snapshot"
                        + " would reach SM's limit of " + VhdChain.SM_MAX_CHAIN_SIZE + " (SnapshotChainTooLong):"
                        + " let SM's garbage collector coalesce it, or use fewer --max-passes");
            }
            size = chain.size();
        }
        String base = UUID.randomUUID().toString();
        String snap = UUID.randomUUID().toString();
        Record rec = new Record(records, disk);
        rec.append("intent " + base + " " + snap);
        if (reopen != null) {
            try {
                reopen.run("pause", env(disk), REOPEN_LIMIT);
            } catch (IOException e) {
                unpauseQuietly(disk);
                rec.append("undone " + base + " " + snap);
                throw e;
            }
        }
        Instant at;
        try {
            at = snapshot(disk, base, snap);
        } catch (IOException | RuntimeException e) {
            try {
                undo(disk, base, snap);
                rec.append("undone " + base + " " + snap);
            } finally {
                unpauseQuietly(disk);
            }
            throw e;
        }
        rec.append("made " + base + " " + snap);
        if (reopen != null) {
            reopen.run("unpause", env(disk), REOPEN_LIMIT);
        }
        return new FrozenState(disk, snap, false, size, at, Map.of("base", base, "sr", sr.directory().toString()));
    }

    /** Steps 3 to 6 of the class comment; returns the instant the state was frozen. */
    private Instant snapshot(String disk, String base, String snap) throws IOException {
        Path leaf = file(disk);
        Path basePath = file(base);
        Path fresh = leaf.resolveSibling(leaf.getFileName() + ".new");
        Instant at = Instant.now();
        Files.createLink(basePath, leaf);
        VhdWriter.differencing(fresh, basePath).create().close();
        fsync(fresh);
        Files.move(fresh, leaf, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path snapPath = file(snap);
        VhdWriter.differencing(snapPath, basePath).create().close();
        fsync(snapPath);
        VhdWriter.setHidden(basePath, true);
        fsyncDirectory();
        return at;
    }

    /** Undoes a freeze stopped before the rename; finishes one stopped after it (SM's journals do the same). */
    private void undo(String disk, String base, String snap) throws IOException {
        Path leaf = file(disk);
        Path basePath = file(base);
        Path fresh = leaf.resolveSibling(leaf.getFileName() + ".new");
        Files.deleteIfExists(fresh);
        if (Files.exists(basePath) && Files.isSameFile(basePath, leaf)) {
            Files.delete(basePath); // the leaf keeps its data under its own name
            Files.deleteIfExists(file(snap));
        } else if (Files.exists(basePath)) {
            // The leaf is the new child already: the base copy must stay (it holds the data).
            VhdWriter.setHidden(basePath, true);
            Files.deleteIfExists(file(snap));
        }
        fsyncDirectory();
    }

    private void unpauseQuietly(String disk) {
        if (reopen == null) {
            return;
        }
        try {
            reopen.run("unpause", env(disk), REOPEN_LIMIT);
        } catch (IOException e) {
            // The first failure is what the caller reports.
        }
    }

    @Override
    public FrozenState quiet(String disk) throws IOException {
        file(disk);
        try (VirtualDisk chain = sr.openVdi(disk)) {
            return new FrozenState(disk, disk, true, chain.size(), Instant.now(),
                    Map.of("sr", sr.directory().toString()));
        }
    }

    @Override
    public VirtualDisk open(FrozenState state) throws IOException {
        String uuid = state.quiet() ? state.disk() : state.id();
        if (!state.quiet() && !Files.isRegularFile(file(uuid), LinkOption.NOFOLLOW_LINKS)) {
            throw new MigrationException("the snapshot " + uuid + " of VDI " + state.disk() + " is gone from "
                    + sr.directory() + "; run again with --abort and start over");
        }
        return sr.openVdi(uuid);
    }

    @Override
    public ChangedRanges changedBetween(FrozenState older, FrozenState newer) throws IOException {
        Set<String> before = layers(older);
        ChangedRanges all = ChangedRanges.none(newer.size(), SECTOR);
        for (String layer : layers(newer)) {
            if (before.contains(layer)) {
                continue;
            }
            ChangedRanges.Builder b = new ChangedRanges.Builder(newer.size(), SECTOR);
            try (VirtualDisk own = sr.openOwnSectors(layer)) {
                for (long at = 0; at < own.size(); at += WINDOW) {
                    for (Extent e : own.extents(at, Math.min(WINDOW, own.size() - at))) {
                        if (e.kind() != ExtentKind.UNALLOCATED) {
                            b.add(e.offset(), e.length());
                        }
                    }
                }
            }
            all = all.union(b.build());
        }
        return all;
    }

    /** The uuids of the images of a state's chain, leaf first. */
    private Set<String> layers(FrozenState state) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        try (VirtualDisk d = open(state)) {
            for (ChainLayer l : ((VhdChain) d).layers()) {
                String name = Path.of(l.key()).getFileName().toString();
                out.add(name.endsWith(".vhd") ? name.substring(0, name.length() - 4) : name);
            }
        }
        return out;
    }

    @Override
    public void release(FrozenState state) throws IOException {
        if (state.quiet()) {
            return;
        }
        Path snap = file(state.id());
        if (Files.deleteIfExists(snap)) {
            fsyncDirectory();
        }
        new Record(records, state.disk()).append("released " + state.handle("base") + " " + state.id());
    }

    @Override
    public PowerEvent stop(StopPolicy policy) throws IOException {
        Instant requested = Instant.now();
        Map<String, String> env = stoppedDisk == null ? Map.of() : env(stoppedDisk);
        try {
            stop.run("stop", env, policy.timeout());
            return new PowerEvent("stop", requested, Instant.now(), "clean");
        } catch (HookCommand.HookTimeout e) {
            if (!policy.force()) {
                throw new MigrationException(e.getMessage() + "; the source was not stopped (give"
                        + " --force-shutdown to force it after the timeout)", e);
            }
            stop.run("force-stop", env, policy.timeout());
            return new PowerEvent("stop", requested, Instant.now(), "forced");
        }
    }

    /** The disk the hooks are told of ({@link HookCommand#VDI}); set by the live run before stopping. */
    public void forDisk(String disk) {
        this.stoppedDisk = disk;
    }

    /**
     * The switch-over of the local controller: nothing in the SR to repoint; the start hook is
     * told the target volume ({@link HookCommand#TARGET_VOLUME}) so that it can start the writer
     * on it. Returns the report's line.
     */
    public String switchTo(String volumeKey) {
        this.switchedTo = volumeKey;
        return "nothing to repoint in a file SR: the start hook gets " + HookCommand.TARGET_VOLUME + "=" + volumeKey;
    }

    @Override
    public PowerEvent start() throws IOException {
        Instant requested = Instant.now();
        Map<String, String> env = new HashMap<>(stoppedDisk == null ? Map.of() : env(stoppedDisk));
        if (switchedTo != null) {
            env.put(HookCommand.TARGET_VOLUME, switchedTo);
        }
        start.run("start", env, START_LIMIT);
        return new PowerEvent("start", requested, Instant.now(), "hook");
    }

    @Override
    public List<FrozenState> recover(String disk) throws IOException {
        if (stoppedDisk == null) {
            stoppedDisk = disk; // a resumed run may start the writer before it freezes anything
        }
        Record rec = new Record(records, disk);
        Map<String, String[]> open = new LinkedHashMap<>();
        Map<String, String> made = new LinkedHashMap<>();
        for (String line : rec.lines()) {
            String[] f = line.split(" ");
            if (f.length != 3) {
                continue;
            }
            switch (f[0]) {
                case "intent" -> open.put(f[2], new String[] {f[1], f[2]});
                case "made" -> {
                    open.remove(f[2]);
                    made.put(f[2], f[1]);
                }
                case "undone", "released" -> {
                    open.remove(f[2]);
                    made.remove(f[2]);
                }
                default -> { }
            }
        }
        boolean interrupted = !open.isEmpty();
        for (String[] bs : open.values()) {
            Path leaf = file(disk);
            Path basePath = file(bs[0]);
            boolean renamed = Files.exists(basePath) && !Files.isSameFile(basePath, leaf);
            if (renamed) {
                // Finish it: the leaf is the new child of the base copy; make the snapshot child.
                Path snapPath = file(bs[1]);
                Files.deleteIfExists(snapPath);
                VhdWriter.differencing(snapPath, basePath).create().close();
                VhdWriter.setHidden(basePath, true);
                fsyncDirectory();
                rec.append("made " + bs[0] + " " + bs[1]);
                made.put(bs[1], bs[0]);
            } else {
                undo(disk, bs[0], bs[1]);
                rec.append("undone " + bs[0] + " " + bs[1]);
            }
        }
        if (interrupted) {
            unpauseQuietly(disk);
        }
        List<FrozenState> out = new ArrayList<>();
        for (Map.Entry<String, String> e : made.entrySet()) {
            Path snapPath = file(e.getKey());
            if (Files.isRegularFile(snapPath, LinkOption.NOFOLLOW_LINKS)) {
                out.add(new FrozenState(disk, e.getKey(), false, Math.max(1, sizeOf(e.getKey())),
                        Files.getLastModifiedTime(snapPath).toInstant(),
                        Map.of("base", e.getValue(), "sr", sr.directory().toString())));
            }
        }
        return out;
    }

    private long sizeOf(String uuid) {
        try (VirtualDisk d = sr.openVdi(uuid)) {
            return d.size();
        } catch (IOException e) {
            return 1;
        }
    }

    private static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private void fsyncDirectory() {
        try (FileChannel d = FileChannel.open(sr.directory(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can open a directory; the files themselves were forced.
        }
    }

    @Override
    public void close() {
    }

    /**
     * This controller's record of the snapshots it made of one disk: lines {@code intent B N},
     * {@code made B N}, {@code undone B N}, {@code released B N}, each appended with one write and
     * forced, so that {@link #recover} knows every freeze a kill interrupted.
     */
    private static final class Record {
        private final Path path;

        Record(Path dir, String disk) {
            this.path = dir.resolve("local-" + disk + ".snapshots");
        }

        void append(String line) throws IOException {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
        }

        List<String> lines() throws IOException {
            if (!Files.exists(path)) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (String l : Files.readAllLines(path, StandardCharsets.US_ASCII)) {
                if (!l.isBlank()) {
                    out.add(l.strip());
                }
            }
            return out;
        }
    }
}
