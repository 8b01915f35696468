package org.smapimigrate.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smapimigrate.plan.VolumeKeys;
import org.smapimigrate.migrate.MigrationProgress;
import org.smapimigrate.migrate.TargetRecheck;
import org.smapimigrate.verify.Manifest;
import org.smapimigrate.verify.ManifestFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smapi-migrate verify}: checks migrated volumes again against their manifests. */
@Command(name = "verify",
        sortOptions = false,
        headerHeading = "%n",
        header = "Check migrated volumes again against the manifests 'migrate' wrote.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Attaches the SR with the volume plugin and configuration recorded in each",
            "manifest, attaches the volume through its datapath (open, attach, activate),",
            "reads it back, and compares its 2 MiB block digests with the ones recorded",
            "when it was copied; then releases the datapath (deactivate, detach, close).",
            "Holes cost no hashing. Nothing is written."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  smapi-migrate verify --manifest 3f1c...-.manifest.json",
            "  smapi-migrate verify --manifest plan.json.manifests/*.manifest.json",
            "  smapi-migrate verify --manifest a.manifest.json --json",
            "",
            "Exit status: 0 when every volume matches; 1 when one differs or cannot be",
            "read; 2 for usage errors."})
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--manifest", required = true, arity = "1..*", paramLabel = "FILE",
            description = "Manifests written by 'migrate' (several may follow one --manifest, "
                    + "e.g. a shell glob).")
    List<Path> manifests;

    @Mixin
    PluginOptions plugins;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Duration limit = plugins.callLimit();
        boolean json = output.json;
        boolean quiet = output.quiet;
        PrintWriter err = spec.commandLine().getErr();
        MigrationProgress progress = CopyProgress.bars(!quiet && !json);
        List<TargetRecheck.Result> results = new ArrayList<>();
        boolean allMatch = true;
        for (Path m : manifests) {
            Manifest manifest = ManifestFile.read(m);
            TargetRecheck.Result r = TargetRecheck.run(m, manifest, plugins.root, limit,
                    progress);
            results.add(r);
            allMatch &= r.matches();
            if (!r.matches()) {
                err.printf("smapi-migrate: error: volume %s (VDI %s) differs from its manifest %s: %s%n",
                        r.volumeKey(), manifest.source().vdiUuid(), m, r.comparison());
            } else if (!quiet) {
                err.printf("verified volume %s (VDI %s): match%s%n", r.volumeKey(), manifest.source().vdiUuid(),
                        VolumeKeys.COMPLETE.equals(r.state()) ? "" : " (but its keys say "
                                + VolumeKeys.STATE + "=" + r.state() + ")");
            }
            err.flush();
        }
        if (json) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(CliJson.PRETTY.writeValueAsString(Map.of("all_match", allMatch, "results", results)));
            out.flush();
        }
        return allMatch ? 0 : 1;
    }
}
