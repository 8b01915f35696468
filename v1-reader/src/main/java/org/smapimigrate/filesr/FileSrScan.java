package org.smapimigrate.filesr;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.smapimigrate.chain.VhdChain;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.inventory.Advice;
import org.smapimigrate.inventory.Leftover;
import org.smapimigrate.inventory.Problem;
import org.smapimigrate.inventory.Severity;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.VdiEntry;
import org.smapimigrate.inventory.VdiRole;
import org.smapimigrate.vhd.Finding;

/**
 * One inventory scan of a file-SR directory. Roles are structural (manifest {@code file_sr.rules}):
 * raw for {@code <uuid>.raw}; base copy for a VHD that is the parent of any VHD file in the SR
 * ({@code OLD_*} and {@code *.vhd.new} included); otherwise hidden leaf when hidden, else user.
 * Chains are checked with the same rules {@link VhdChain} applies when reading, from facts kept
 * per image, so each image is opened once.
 */
final class FileSrScan {
    private static final Pattern UUID_NAME =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int MAX_JOURNAL_BYTES = 4096;
    private static final byte[] VJOURNAL_COOKIE = "vjournal".getBytes(StandardCharsets.ISO_8859_1);

    private final Path dir;
    private final DirectoryParentResolver resolver;
    /** Every VHD file seen (SR files and parents found elsewhere inside the SR), by real path. */
    private final Map<Path, ImageFacts> images = new HashMap<>();
    private final Map<Path, SrFileKind> kinds = new TreeMap<>();
    private final Map<Path, ChainStatus> statuses = new HashMap<>();
    private final List<Leftover> leftovers = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();

    /** Depth and readability of the chain above one image. */
    record ChainStatus(int depth, ImageDefectException error) {
    }

    FileSrScan(Path dir, DirectoryParentResolver resolver) {
        this.dir = dir;
        this.resolver = resolver;
    }

    SrInventory run() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    kinds.put(p, SrFileKind.of(p.getFileName().toString()));
                } else if (Files.isSymbolicLink(p)) {
                    problem(Severity.INFO, "symlink-ignored", p, "symbolic link ignored by the scan");
                }
            }
        }
        for (Map.Entry<Path, SrFileKind> e : kinds.entrySet()) {
            if (isImage(e.getValue())) {
                images.put(e.getKey(), inspect(e.getKey()));
            }
        }
        for (ImageFacts f : new ArrayList<>(images.values())) {
            locateParent(f);
        }
        Set<Path> parents = new HashSet<>();
        for (Map.Entry<Path, SrFileKind> e : kinds.entrySet()) {
            ImageFacts f = images.get(e.getKey());
            if (f != null && f.parentPath != null) {
                parents.add(f.parentPath);
            }
        }

        // Causes first (an interrupted GC operation and all it left), so that the VDIs they explain
        // are not reported a second time.
        for (Map.Entry<Path, SrFileKind> e : kinds.entrySet()) {
            if (e.getValue() == SrFileKind.GC_JOURNAL) {
                gcJournal(e.getKey(), e.getKey().getFileName().toString());
            }
        }
        for (Map.Entry<Path, SrFileKind> e : kinds.entrySet()) {
            if (e.getValue() == SrFileKind.OLD_LEAF) {
                oldLeaf(e.getKey(), e.getKey().getFileName().toString());
            }
        }

        List<VdiEntry> vdis = new ArrayList<>();
        for (Map.Entry<Path, SrFileKind> e : kinds.entrySet()) {
            Path p = e.getKey();
            String name = p.getFileName().toString();
            switch (e.getValue()) {
                case VHD_VDI -> vdis.add(vhdVdi(p, name, parents.contains(p)));
                case RAW_VDI -> vdis.add(rawVdi(p, name));
                case OLD_LEAF, GC_JOURNAL -> { }
                case SNAPSHOT_TEMP -> snapshotTemp(p, name);
                case RESIZE_JOURNAL_CANDIDATE -> resizeJournal(p, name);
                case CBT_LOG -> problem(Severity.INFO, "cbt-log", p, "changed-block-tracking log: not migrated");
                case INTELLICACHE -> problem(Severity.INFO, "intellicache", p, "IntelliCache file: not migrated");
                case SM_METADATA -> { }
                case OTHER -> problem(Severity.INFO, "unknown-file", p, "file not used by SM; ignored");
                default -> throw new IllegalStateException();
            }
        }
        hardLinkTwins();
        for (ImageFacts f : images.values()) {
            for (Finding x : f.findings) {
                problem(Severity.WARNING, x.code(), f.path, x.message());
            }
        }

        vdis.sort(Comparator.comparing(VdiEntry::uuid));
        leftovers.sort(Comparator.comparing(Leftover::path).thenComparing(Leftover::kind));
        problems.sort(Comparator.comparing(Problem::path).thenComparing(Problem::code));
        String name = dir.getFileName() == null ? null : dir.getFileName().toString();
        String uuid = name != null && UUID_NAME.matcher(name).matches() ? name : null;
        return new SrInventory(dir.toString(), "file", uuid, null, vdis, leftovers, problems);
    }

    private static boolean isImage(SrFileKind k) {
        return k == SrFileKind.VHD_VDI || k == SrFileKind.OLD_LEAF || k == SrFileKind.SNAPSHOT_TEMP;
    }

    private ImageFacts inspect(Path p) {
        try {
            return ImageFacts.inspect(p.toRealPath());
        } catch (IOException e) {
            return ImageFacts.inspect(p);
        }
    }

    private void locateParent(ImageFacts f) {
        if (!f.readable() || !f.differencing) {
            return;
        }
        try {
            f.parentPath = resolver.locate(f.locators, f.parentName, f.path, f.path.toString());
        } catch (ImageDefectException e) {
            f.parentError = e;
            return;
        }
        if (!f.parentRaw && !images.containsKey(f.parentPath)) {
            // A parent inside the SR but not one of its top-level VHD files (a subdirectory, an odd name).
            ImageFacts p = inspect(f.parentPath);
            images.put(f.parentPath, p);
            locateParent(p);
        }
    }

    /** The chain rules of {@link VhdChain#open}, applied to facts. */
    private ChainStatus status(ImageFacts leaf) {
        ChainStatus cached = statuses.get(leaf.path);
        if (cached != null) {
            return cached;
        }
        ChainStatus s = walk(leaf);
        statuses.put(leaf.path, s);
        return s;
    }

    private ChainStatus walk(ImageFacts leaf) {
        if (!leaf.readable()) {
            return new ChainStatus(1, leaf.openError);
        }
        Set<Path> seen = new HashSet<>();
        Set<UUID> uuids = new HashSet<>();
        seen.add(leaf.path);
        uuids.add(leaf.uuid);
        ImageFacts cur = leaf;
        int depth = 1;
        while (true) {
            if (cur.encrypted) {
                return new ChainStatus(depth, new ImageDefectException("encrypted", cur.path.toString(), -1,
                        "the VHD is encrypted (batmap keyhash set); its key stays on the host, so it cannot be"
                                + " read offline"));
            }
            if (!cur.differencing) {
                return new ChainStatus(depth, null);
            }
            if (depth >= VhdChain.MAX_LAYERS) {
                return new ChainStatus(depth, new ImageDefectException("chain-too-deep", leaf.path.toString(), -1,
                        "the chain has more than " + VhdChain.MAX_LAYERS + " images"));
            }
            if (cur.parentError != null) {
                return new ChainStatus(depth, cur.parentError);
            }
            if (!seen.add(cur.parentPath)) {
                return new ChainStatus(depth, new ImageDefectException("parent-cycle", cur.path.toString(), -1,
                        "the parent chain loops: " + cur.path + " names " + cur.parentPath
                                + ", which is already in the chain"));
            }
            if (cur.parentRaw) {
                return new ChainStatus(depth + 1, null);
            }
            ImageFacts p = images.get(cur.parentPath);
            if (!p.readable()) {
                return new ChainStatus(depth, p.openError);
            }
            if (!p.uuid.equals(cur.parentUuid)) {
                return new ChainStatus(depth, new ImageDefectException("parent-uuid-mismatch", cur.path.toString(), -1,
                        "the parent found, " + p.path + ", has footer uuid " + p.uuid + " but the child expects "
                                + cur.parentUuid + " (prt_uuid): a different image replaced the parent"));
            }
            if (!uuids.add(p.uuid)) {
                return new ChainStatus(depth, new ImageDefectException("parent-cycle", cur.path.toString(), -1,
                        "the parent chain loops: " + p.path + " has footer uuid " + p.uuid + ", already in the chain"));
            }
            cur = p;
            depth++;
        }
    }

    private VdiEntry vhdVdi(Path p, String name, boolean isParent) {
        ImageFacts f = images.get(p);
        ChainStatus s = status(f);
        VdiRole role = isParent ? VdiRole.BASE_COPY : f.hidden ? VdiRole.HIDDEN_LEAF : VdiRole.USER;
        if (role == VdiRole.HIDDEN_LEAF) {
            problem(Severity.INFO, "hidden-leaf", p, "hidden leaf: no image uses it and GC would delete it");
        }
        if (role == VdiRole.BASE_COPY && f.readable() && !f.hidden && !explained(p)) {
            problem(Severity.WARNING, "base-copy-not-hidden", p, "parent of other images but not hidden:"
                    + " an interrupted snapshot or leaf-coalesce (see journals and leftovers)");
        }
        chainProblems(p, s);
        String parent = f.parentPath == null ? null : vdiUuidOf(f.parentPath);
        return new VdiEntry(SrFileKind.uuidOf(name), role, f.hidden, f.virtualSize, f.allocatedBytes, parent,
                s.depth(), p.toString(), null, null, null, s.error() == null, "vhd");
    }

    private void chainProblems(Path p, ChainStatus s) {
        if (s.error() != null) {
            problem(Severity.ERROR, s.error().code(), p, s.error().getMessage());
        } else if (s.depth() > VhdChain.SM_MAX_CHAIN_SIZE) {
            problem(Severity.WARNING, "chain-too-long", p, "the chain is " + s.depth() + " images deep; SM refuses"
                    + " snapshots from depth " + VhdChain.SM_MAX_CHAIN_SIZE + " and GC has not coalesced it");
        }
    }

    private VdiEntry rawVdi(Path p, String name) throws IOException {
        long size = Files.size(p);
        return new VdiEntry(SrFileKind.uuidOf(name), VdiRole.RAW, false, size, size, null, 1, p.toString(),
                null, null, null, true, "raw");
    }

    private String vdiUuidOf(Path file) {
        String n = file.getFileName().toString();
        String u = SrFileKind.uuidOf(n);
        return u == null ? n : u;
    }

    /** {@code <uuid>.vhd.new}: the whole cause is this one file. */
    private void snapshotTemp(Path p, String name) {
        String id = SrFileKind.uuidOf(name);
        ChainStatus s = status(images.get(p));
        leftovers.add(new Leftover(p.toString(), "snapshot-temp", id, null, s.error() == null));
        cause(Severity.WARNING, "leftover-snapshot-temp", p, "An interrupted snapshot of " + id + " left the"
                + " temporary file " + name + " (not a VDI; SM deletes it)" + unreadableNote(name, s) + ".",
                "Nothing to do for the migration: that snapshot does not exist; take it again if needed.", List.of());
    }

    /** {@code OLD_<uuid>.vhd} not already part of a leaf-coalesce with its journal. */
    private void oldLeaf(Path p, String name) {
        String id = SrFileKind.uuidOf(name);
        ChainStatus s = status(images.get(p));
        leftovers.add(new Leftover(p.toString(), "old-leaf-coalesce", id, null, s.error() == null));
        if (explained(p)) {
            return;
        }
        boolean current = kinds.containsKey(dir.resolve(id + ".vhd"));
        cause(Severity.WARNING, "interrupted-leaf-coalesce", p, "A leaf-coalesce of " + id + " by SM's garbage"
                + " collector stopped without its journal: " + name + " is the old leaf, renamed; " + (current
                ? id + ".vhd (its parent, renamed) holds the coalesced data"
                : "no " + id + ".vhd exists, so VDI " + id + " is not in the VDI list and is not migrated")
                + unreadableNote(name, s) + ".", Advice.LET_SM_RECOVER, List.of());
    }

    private void gcJournal(Path p, String name) {
        String type = SrFileKind.journalType(name);
        String id = SrFileKind.uuidOf(name);
        String value;
        try {
            value = stripWhitespace(readSmall(p));
        } catch (IOException e) {
            cause(Severity.WARNING, "unreadable-file", p, "GC journal " + name + " cannot be read ("
                    + e.getMessage() + "); a GC operation on " + id + " was interrupted.", Advice.LET_SM_RECOVER,
                    List.of());
            return;
        }
        leftovers.add(new Leftover(p.toString(), "journal-" + type, id, value, null));
        switch (type) {
            case "coalesce" -> cause(Severity.WARNING, "interrupted-coalesce", p, "SM's garbage collector was"
                    + " coalescing " + id + " into its parent" + parentNote(id) + " when it stopped (journal " + name
                    + "); the child's blocks still override the parent's, so no leaf's data is at risk. SM's GC"
                    + " redoes the coalesce, running vhd-util repair on the parent if needed.", Advice.SAFE_AS_IS,
                    List.of());
            case "relink" -> cause(Severity.WARNING, "interrupted-relink", p, "SM's garbage collector had"
                    + " coalesced " + id + " into its parent and was re-pointing its children when it stopped"
                    + " (journal " + name + "); it finishes the relink and deletes " + id + ".", Advice.SAFE_AS_IS,
                    List.of());
            default -> leafJournal(p, name, id, value);
        }
    }

    /**
     * {@code leaf_<L> = P}, with {@code OLD_<L>.vhd} and the un-hidden parent {@code P.vhd} it
     * leaves: one interrupted leaf-coalesce (SM {@code cleanup._handleInterruptedCoalesceLeaf}:
     * undone if P or OLD_L still exists, else finished).
     */
    private void leafJournal(Path p, String name, String id, String value) {
        Path old = dir.resolve("OLD_" + id + ".vhd");
        boolean oldExists = kinds.containsKey(old);
        List<String> related = new ArrayList<>();
        if (oldExists) {
            related.add(old.toString());
        }
        if (!isPlainName(value)) {
            cause(Severity.WARNING, "journal-value-invalid", p, "GC journal " + name + " should hold the uuid of"
                    + " the parent " + id + " was being coalesced into, but holds \"" + value + "\", which is not a"
                    + " file name in the SR (" + whyNotPlain(value) + "); it was not followed. A leaf-coalesce of "
                    + id + " was interrupted, or the file was edited.", Advice.LOOK_ON_HOST, related);
            return;
        }
        // Looked up in the directory listing: nothing is opened or even stat()ed for a journal value.
        Path parent = dir.resolve(value + ".vhd");
        boolean parentExists = kinds.containsKey(parent) || kinds.containsKey(dir.resolve(value + ".raw"));
        boolean leafExists = kinds.containsKey(dir.resolve(id + ".vhd"));
        ImageFacts pf = images.get(parent);
        String unhidden = "";
        if (pf != null) {
            related.add(parent.toString());
            if (pf.readable() && !pf.hidden) {
                unhidden = "; its parent " + value + ".vhd is un-hidden";
            }
        }
        String action = parentExists || oldExists
                ? "SM undoes it: renames OLD_" + id + ".vhd back to " + id + ".vhd if needed, re-hides " + value
                + ".vhd and removes the journal"
                : "SM finishes it: " + id + ".vhd now holds the coalesced data; the journal is removed";
        ChainStatus oldStatus = oldExists ? status(images.get(old)) : null;
        cause(Severity.WARNING, "interrupted-leaf-coalesce", p, "SM's garbage collector was coalescing leaf " + id
                + " into its parent " + value + " when it stopped (journal " + name
                + (oldExists ? ", old leaf OLD_" + id + ".vhd" : "") + unhidden + "). " + action
                + (leafExists ? "" : ". Until then VDI " + id + " is not in the VDI list and is not migrated")
                + (oldStatus == null ? "" : unreadableNote("OLD_" + id + ".vhd", oldStatus)) + ".",
                Advice.LET_SM_RECOVER, related);
    }

    private static String unreadableNote(String name, ChainStatus s) {
        return s.error() == null ? "" : "; " + name + " does not read (" + s.error().code() + ": "
                + s.error().getMessage() + ")";
    }

    /** A file already part of a cause reported with another path. */
    private boolean explained(Path p) {
        String s = p.toString();
        return problems.stream().anyMatch(x -> x.action() != null && x.covers(s));
    }

    private void cause(Severity severity, String code, Path p, String message, String action, List<String> related) {
        problems.add(new Problem(severity, code, p.toString(), message, action, related));
    }

    /**
     * A journal value usable as the name of a file in the SR directory: SM writes a VDI uuid.
     * Anything that could name another directory (a '/', '..'), hide in a terminal (control
     * characters) or not be a path at all (NUL) is refused before any use.
     */
    static boolean isPlainName(String value) {
        return whyNotPlain(value) == null;
    }

    private static String whyNotPlain(String value) {
        if (value.isEmpty()) {
            return "empty";
        }
        if (value.indexOf('\0') >= 0) {
            return "holds NUL";
        }
        if (ConfinedPath.hasControlCharacters(value)) {
            return "holds control characters";
        }
        if (value.indexOf('/') >= 0) {
            return "holds '/'";
        }
        if (value.equals(".") || value.equals("..")) {
            return "is '" + value + "'";
        }
        if (value.length() > 200) {
            return "longer than a file name";
        }
        return null;
    }

    private String parentNote(String id) {
        ImageFacts f = images.get(dir.resolve(id + ".vhd"));
        return f != null && f.parentPath != null ? " " + vdiUuidOf(f.parentPath) : "";
    }

    private void resizeJournal(Path p, String name) throws IOException {
        byte[] head = new byte[VJOURNAL_COOKIE.length];
        int n;
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            problem(Severity.INFO, "unreadable-file", p, "cannot be read (" + e.getMessage() + "); ignored");
            return;
        }
        if (n == head.length && java.util.Arrays.equals(head, VJOURNAL_COOKIE)) {
            String id = SrFileKind.uuidOf(name);
            leftovers.add(new Leftover(p.toString(), "resize-journal", id, null, null));
            cause(Severity.WARNING, "leftover-resize-journal", p, "Journal of an interrupted 'vhd-util resize' of "
                    + id + ": the VHD may be disabled (v_poison cookie) until the journal is replayed.",
                    Advice.REPLAY_RESIZE, List.of());
        } else {
            problem(Severity.INFO, "unknown-file", p, "file not used by SM; ignored");
        }
    }

    /** Files of one inode, or VHDs sharing a footer uuid: a snapshot stopped between link and rename. */
    private void hardLinkTwins() {
        Map<Object, List<ImageFacts>> groups = new LinkedHashMap<>();
        for (Map.Entry<Path, SrFileKind> e : kinds.entrySet()) {
            ImageFacts f = images.get(e.getKey());
            if (f == null) {
                continue;
            }
            if (f.fileKey != null) {
                groups.computeIfAbsent(List.of("inode", f.fileKey), k -> new ArrayList<>()).add(f);
            }
            if (f.uuid != null) {
                groups.computeIfAbsent(List.of("uuid", f.uuid), k -> new ArrayList<>()).add(f);
            }
        }
        Set<Path> reported = new HashSet<>();
        for (List<ImageFacts> g : groups.values()) {
            if (g.size() < 2) {
                continue;
            }
            String names = String.join(", ", g.stream().map(x -> x.fileName).toList());
            List<String> fresh = new ArrayList<>();
            for (ImageFacts f : g) {
                if (reported.add(f.path)) {
                    leftovers.add(new Leftover(f.path.toString(), "hardlink-twin", SrFileKind.uuidOf(f.fileName),
                            null, status(f).error() == null));
                    fresh.add(f.path.toString());
                }
            }
            if (!fresh.isEmpty()) {
                // One cause, one problem: at the first name, the others related.
                cause(Severity.WARNING, "leftover-hardlink-twin", Path.of(fresh.get(0)), "The same image under"
                        + " several names (" + names + "): a snapshot stopped between link() and rename(); SM's"
                        + " clean-up decides which name survives.", Advice.LET_SM_RECOVER,
                        fresh.subList(1, fresh.size()));
            }
        }
    }

    /** Python's {@code str.strip()} as SM reads journals: spaces, tabs and line ends, not NUL. */
    private static String stripWhitespace(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && " \t\r\n".indexOf(s.charAt(from)) >= 0) {
            from++;
        }
        while (to > from && " \t\r\n".indexOf(s.charAt(to - 1)) >= 0) {
            to--;
        }
        return s.substring(from, to);
    }

    /** Never through a link: the listing saw a regular file, and a swapped-in link is not followed. */
    private static String readSmall(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            return new String(in.readNBytes(MAX_JOURNAL_BYTES), StandardCharsets.UTF_8);
        }
    }

    private void problem(Severity severity, String code, Path p, String message) {
        problems.add(new Problem(severity, code, p.toString(), message));
    }
}
