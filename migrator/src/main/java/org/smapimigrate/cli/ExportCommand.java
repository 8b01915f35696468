package org.smapimigrate.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.smapimigrate.disk.CopyStats;
import org.smapimigrate.disk.DiskCopy;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.disk.FileSink;
import org.smapimigrate.disk.StreamSink;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.report.Sizes;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code smapi-migrate export}: one VDI flattened into a raw image, a device or an NBD export. */
@Command(name = "export",
        sortOptions = false,
        headerHeading = "%n",
        header = "Flatten one VDI (its whole VHD chain) into a raw image, a device or an NBD export.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Reads the VDI through its chain exactly as tapdisk does, sector bitmap by",
            "sector bitmap, and writes the flattened virtual disk. Only allocated data is",
            "read; holes stay holes in a raw output file (it is sparse) and become NBD",
            "WRITE_ZEROES on an NBD export. The source is opened read-only.",
            "",
            "The VDI is named by --sr and --vdi, or given directly as a VHD file (its parents",
            "are looked up next to it, never outside its directory)."},
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  smapi-migrate export --sr /run/sr-mount/SR --vdi UUID -o disk.raw",
            "  smapi-migrate export --sr /dev/sdb --sr /dev/sdc --vdi UUID -o disk.raw",
            "  smapi-migrate export /run/sr-mount/SR/UUID.vhd -o - | gzip > disk.raw.gz",
            "  smapi-migrate export --sr SR --vdi UUID -o 'nbd+unix:///d?socket=/run/d.sock'",
            "  smapi-migrate export nbds://host/UUID --tls-certs /etc/pki/nbd -o disk.raw",
            "",
            "Exit status: 0 when every byte was written; 1 on bad input or I/O failure",
            "(a new output file is then removed); 2 for usage errors."})
final class ExportCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--sr", arity = "1..*", paramLabel = "SR", required = true,
                description = "The SR: a file SR directory, or the PVs of an LVM SR (repeat or list).")
        List<Path> sr;

        @Parameters(paramLabel = "VHD_FILE|NBD_URI", description = "A VHD file to flatten, instead of --sr/--vdi; "
                + "or an NBD export to read (nbd://, nbds://, nbd+unix://): only what its block status calls data is read.")
        String vhdFile;
    }

    @Option(names = "--vdi", paramLabel = "UUID", description = "The VDI to export (with --sr).")
    String vdi;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "A raw image file (created sparse; an existing file is replaced), '-' for "
                    + "standard output, or an NBD URI: nbd://host[:port]/export, "
                    + "nbd+unix:///export?socket=PATH, nbd:unix:PATH:exportname=NAME.")
    String output;

    @Option(names = "--tls-certs", paramLabel = "DIR", description = "For an nbds:// source: DIR holds ca-cert.pem "
            + "(and optionally client-cert.pem, client-key.pem).")
    Path tlsCerts;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar and no summary line.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (source.sr != null && vdi == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--sr needs --vdi UUID");
        }
        if (source.vhdFile != null && vdi != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give either a VHD_FILE or --sr with --vdi, not both");
        }
        try (VirtualDisk disk = source.sr != null ? SourceRepositories.openVdi(source.sr, vdi)
                : Targets.isNbdUri(source.vhdFile) ? SourceRepositories.openNbd(source.vhdFile, tlsCerts)
                : SourceRepositories.openVhdFile(Path.of(source.vhdFile))) {
            Warnings.print(disk, spec.commandLine().getErr());
            DiskCopy copy = DiskCopy.standard();
            CopyStats stats;
            boolean toStdout = output.equals("-");
            Path outFile = Targets.isNbdUri(output) || toStdout ? null : Path.of(output);
            boolean created = outFile != null && !Files.exists(outFile);
            boolean done = false;
            try (DiskSink sink = openSink(disk.size(), outFile);
                 AutoCloseable bar = CopyProgress.start("export", disk.size(), copy::bytesDone, !quiet)) {
                stats = copy.copy(disk, sink, null);
                if (sink instanceof StreamSink s) {
                    s.finish();
                }
                sink.flush();
                done = true;
            } finally {
                if (!done && created) {
                    Files.deleteIfExists(outFile);
                }
            }
            if (!quiet) {
                PrintWriter err = spec.commandLine().getErr();
                err.printf("exported %s (%s virtual, %s read, %s written) to %s in %.2f s, %s%n",
                        vdi != null ? vdi : source.vhdFile, Sizes.human(stats.virtualBytes()),
                        Sizes.human(stats.readBytes()), Sizes.human(stats.writtenBytes()),
                        toStdout ? "standard output" : output, stats.nanos() / 1e9, Sizes.rate(stats.virtualRate()));
                err.flush();
            }
        }
        return 0;
    }

    private DiskSink openSink(long size, Path outFile) throws IOException {
        if (output.equals("-")) {
            OutputStream stdout = new java.io.FileOutputStream(java.io.FileDescriptor.out);
            return new StreamSink(stdout, size, "standard output");
        }
        if (outFile == null) {
            return Targets.openNbd(output, size);
        }
        if (Files.exists(outFile) && !Files.isRegularFile(outFile)) {
            return FileSink.openExisting(outFile, size); // a block device: written in place
        }
        return FileSink.createSparse(outFile, size);
    }
}
