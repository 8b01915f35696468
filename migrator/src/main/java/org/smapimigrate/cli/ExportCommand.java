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
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code smapi-migrate export}: one VDI flattened into a raw image, a device or an NBD export.
 *
 * <p>Its command line is built with picocli's programmatic API ({@link #command()}), not its
 * annotations, as the top level is ({@link SmapiMigrate#topLevel()}): reading annotations makes
 * the JVM generate a proxy class per annotation type with its bytecode generator, which JDK 17
 * cannot keep in the CDS archive. For export, the command people time against
 * {@code qemu-img convert}, that was eight generated classes at every run, and 62 of the 464 C1
 * compilations of a 3 GiB export were the generator's own code; a 4 MiB export's parse went from
 * 65 to 17 ms (issue 10). The manual and the usage errors read as they did with annotations
 * (ExportManualTest).
 */
final class ExportCommand implements Callable<Integer> {
    static final String NAME = "export";
    static final String HEADER = "Flatten one VDI (its whole VHD chain) into a raw image, a device or an NBD export.";
    static final String SOURCE_LABEL = "VHD_FILE|NBD_URI";

    /**
     * Copy geometry: 4 buffers of 512 KiB, not the standard 8 of 1 MiB. One reader and one writer
     * need only a few buffers between them, and every page of a new buffer is a page fault: on
     * the 2-core VM this is measured on, 10 to 40 us each, so the standard 8 MiB were 2,048
     * faults (20 to 80 ms) before the first chunk moved. A 3 GiB/40% export, 5 interleaved runs
     * on the busy build machine: 7,847 -> 6,368 page faults, CPU median 1.46 -> 1.12 s.
     */
    static final int CHUNK = 512 << 10;
    static final int BUFFERS = 4;

    private CommandSpec spec;

    private ExportCommand() {
    }

    /** The command: options, arguments and manual, picocli's model of what the annotations declared. */
    static CommandSpec command() {
        ExportCommand export = new ExportCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(export).name(NAME);
        export.spec = spec;
        spec.usageMessage().sortOptions(false)
                .headerHeading("%n")
                .header(HEADER)
                .synopsisHeading("%nUsage: ")
                .descriptionHeading("%nDescription:%n")
                .description(
                        "Reads the VDI through its chain exactly as tapdisk does, sector bitmap by",
                        "sector bitmap, and writes the flattened virtual disk. Only allocated data is",
                        "read; holes stay holes in a raw output file (it is sparse) and become NBD",
                        "WRITE_ZEROES on an NBD export. The source is opened read-only.",
                        "",
                        "The VDI is named by --sr and --vdi, or given directly as a VHD file (its parents",
                        "are looked up next to it, never outside its directory).")
                .parameterListHeading("%nArguments:%n")
                .optionListHeading("%nOptions:%n")
                .footerHeading("%nExamples:%n")
                .footer(
                        "  smapi-migrate export --sr /run/sr-mount/SR --vdi UUID -o disk.raw",
                        "  smapi-migrate export --sr /dev/sdb --sr /dev/sdc --vdi UUID -o disk.raw",
                        "  smapi-migrate export /run/sr-mount/SR/UUID.vhd -o - | gzip > disk.raw.gz",
                        "  smapi-migrate export --sr SR --vdi UUID -o 'nbd+unix:///d?socket=/run/d.sock'",
                        "  smapi-migrate export nbds://host/UUID --tls-certs /etc/pki/nbd -o disk.raw",
                        "",
                        "Exit status: 0 when every byte was written; 1 on bad input or I/O failure",
                        "(a new output file is then removed); 2 for usage errors.");
        // The source: --sr (with --vdi) or a VHD file / NBD URI, exactly one of them.
        spec.addArgGroup(ArgGroupSpec.builder().exclusive(true).multiplicity("1")
                .addArg(OptionSpec.builder("--sr").arity("1..*").paramLabel("SR").required(true)
                        .type(List.class).auxiliaryTypes(Path.class)
                        .description("The SR: a file SR directory, or the PVs of an LVM SR (repeat or list).").build())
                .addArg(PositionalParamSpec.builder().index("0").paramLabel(SOURCE_LABEL).type(String.class)
                        .description("A VHD file to flatten, instead of --sr/--vdi; or an NBD export to read "
                                + "(nbd://, nbds://, nbd+unix://): only what its block status calls data is read.")
                        .build())
                .build());
        spec.addOption(OptionSpec.builder("--vdi").paramLabel("UUID").type(String.class)
                .description("The VDI to export (with --sr).").build());
        spec.addOption(OptionSpec.builder("-o", "--output").required(true).paramLabel("OUT").type(String.class)
                .description("A raw image file (created sparse; an existing file is replaced), '-' for "
                        + "standard output, or an NBD URI: nbd://host[:port]/export, "
                        + "nbd+unix:///export?socket=PATH, nbd:unix:PATH:exportname=NAME.").build());
        spec.addOption(OptionSpec.builder("--tls-certs").paramLabel("DIR").type(Path.class)
                .description("For an nbds:// source: DIR holds ca-cert.pem "
                        + "(and optionally client-cert.pem, client-key.pem).").build());
        spec.addOption(OptionSpec.builder("-q", "--quiet").arity("0").type(boolean.class)
                .description("No progress bar and no summary line.").build());
        return spec;
    }

    /** The value picocli parsed for the option, or null when it was not given. */
    private <T> T option(String name) {
        return spec.findOption(name).getValue();
    }

    @Override
    public Integer call() throws Exception {
        List<Path> sr = option("--sr");
        String vhdFile = spec.positionalParameters().get(0).getValue();
        String vdi = option("--vdi");
        String output = option("--output");
        Path tlsCerts = option("--tls-certs");
        boolean quiet = Boolean.TRUE.equals(option("--quiet"));
        if (sr != null && vdi == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--sr needs --vdi UUID");
        }
        if (vhdFile != null && vdi != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give either a VHD_FILE or --sr with --vdi, not both");
        }
        try (VirtualDisk disk = sr != null ? SourceRepositories.openVdi(sr, vdi)
                : Targets.isNbdUri(vhdFile) ? SourceRepositories.openNbd(vhdFile, tlsCerts)
                : SourceRepositories.openVhdFile(Path.of(vhdFile))) {
            Warnings.print(disk, spec.commandLine().getErr());
            DiskCopy copy = new DiskCopy(CHUNK, BUFFERS, true);
            CopyStats stats;
            boolean toStdout = output.equals("-");
            Path outFile = Targets.isNbdUri(output) || toStdout ? null : Path.of(output);
            boolean created = outFile != null && !Files.exists(outFile);
            boolean done = false;
            try (DiskSink sink = openSink(output, disk.size(), outFile);
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
                        vdi != null ? vdi : vhdFile, Sizes.human(stats.virtualBytes()),
                        Sizes.human(stats.readBytes()), Sizes.human(stats.writtenBytes()),
                        toStdout ? "standard output" : output, stats.nanos() / 1e9, Sizes.rate(stats.virtualRate()));
                err.flush();
            }
        }
        return 0;
    }

    private static DiskSink openSink(String output, long size, Path outFile) throws IOException {
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
