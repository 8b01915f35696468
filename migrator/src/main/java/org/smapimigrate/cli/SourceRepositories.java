package org.smapimigrate.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.lvhd.LvhdSr;
import org.smapimigrate.vhd.VhdCookie;
import org.smapimigrate.nbd.NbdDisk;
import org.smapimigrate.source.XvaRepository;

/** Decides what kind of SMAPIv1 SR the command-line arguments name, and opens it read-only. */
final class SourceRepositories {
    private SourceRepositories() {
    }

    /** A file SR directory, the physical volumes of an LVM SR, or an XVA archive ({@code -}: standard input). */
    static StorageRepository open(List<Path> args) throws IOException {
        if (args.size() == 1 && isStdin(args.get(0))) {
            return XvaRepository.openStdin(System.in);
        }
        if (args.size() == 1 && Files.isRegularFile(args.get(0)) && XvaRepository.isXva(args.get(0))) {
            return XvaRepository.open(args.get(0));
        }
        for (Path p : args) {
            if (!Files.exists(p)) {
                throw new UserError(p + ": no such file or directory");
            }
        }
        if (args.size() == 1 && Files.isDirectory(args.get(0))) {
            refuseDirectoryOfSrs(args.get(0));
            return FileSr.open(args.get(0));
        }
        for (Path p : args) {
            if (Files.isDirectory(p)) {
                throw new UserError(p + ": a file SR is one directory; LVM physical volumes are files or devices");
            }
        }
        for (Path p : args) {
            if (Files.isRegularFile(p) && !LvhdSr.isLvmPhysicalVolume(p) && VhdCookie.present(p)) {
                Path dir = p.toAbsolutePath().getParent();
                throw new UserError(p + ": a VHD file, not an SR. Pass the SR directory that holds it ("
                        + dir + ") to read it with its parents and siblings, or flatten this one image with"
                        + " 'smapi-migrate export " + p + " -o disk.raw'");
            }
        }
        return LvhdSr.open(args);
    }

    /** {@code -} (made absolute by a plan, so by file name) that is not a file: standard input. */
    private static boolean isStdin(Path p) {
        return p.getFileName() != null && p.getFileName().toString().equals(XvaRepository.STDIN) && !Files.exists(p);
    }

    /** Shown at most: a mount point can hold hundreds of SRs. */
    private static final int MAX_LISTED = 10;

    /**
     * A directory with no VDI file of its own but SR directories below it ({@code /run/sr-mount},
     * the corpus's {@code file-sr}) was meant as one of them: say which, instead of scanning an
     * empty SR.
     */
    private static void refuseDirectoryOfSrs(Path dir) throws IOException {
        if (holdsVdiFiles(dir)) {
            return;
        }
        List<Path> srs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path sub : ds) {
                if (Files.isDirectory(sub, LinkOption.NOFOLLOW_LINKS) && holdsVdiFiles(sub)) {
                    srs.add(sub);
                }
            }
        }
        if (srs.isEmpty()) {
            return;
        }
        srs.sort(null);
        String listed = String.join(", ", srs.stream().limit(MAX_LISTED).map(Path::toString).toList())
                + (srs.size() > MAX_LISTED ? " and " + (srs.size() - MAX_LISTED) + " more" : "");
        throw new UserError(dir + ": holds no VHD or raw file but " + (srs.size() == 1 ? "an SR directory"
                : srs.size() + " SR directories") + ": " + listed + "; pass " + (srs.size() == 1 ? "it" : "one of them")
                + " (a file SR is the directory of its VDI files)");
    }

    private static boolean holdsVdiFiles(Path dir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.{vhd,raw}")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false; // unreadable: not an SR we could scan anyway
        }
        return false;
    }

    /**
     * Opens one VDI of the SR named by {@code args}. The returned disk keeps the SR's files open
     * and closes them with itself.
     */
    static VirtualDisk openVdi(List<Path> args, String vdi) throws IOException {
        StorageRepository sr = open(args);
        try {
            return new OwningDisk(sr.openVdi(vdi), sr);
        } catch (IOException | RuntimeException e) {
            sr.close();
            throw e;
        }
    }

    /**
     * An NBD export as a source (NBD_CMD_READ of what BLOCK_STATUS base:allocation calls data;
     * everything when the server offers no block status). nbds:// uses {@code tlsDir}.
     */
    static VirtualDisk openNbd(String uri, Path tlsDir) throws IOException {
        return NbdDisk.open(uri, tlsDir);
    }

    /** A VHD file with its chain; parents are looked up in its directory only. */
    static VirtualDisk openVhdFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such file");
        }
        return FileSr.openVhdFile(file);
    }
}
