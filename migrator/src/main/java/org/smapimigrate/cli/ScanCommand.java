package org.smapimigrate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.smapimigrate.inventory.SrInventory;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.plan.SnapshotRecords;
import org.smapimigrate.report.InventoryJson;
import org.smapimigrate.report.InventoryView;
import org.smapimigrate.vm.XapiInventoryView;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.inventory.XapiInventory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code smapi-migrate scan}: the inventory and health of one SMAPIv1 SR. */
@Command(name = "scan",
        sortOptions = false,
        headerHeading = "%n",
        header = "Show the VDIs, snapshot chains, leftovers and problems of a SMAPIv1 SR, or a pool's SRs and VMs.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Reads the SR offline and read-only and draws every VHD chain as a tree from",
            "its root: base copies (hidden, read-only parents), the snapshots and clones",
            "that share them, user-visible leaves, raw VDIs and hidden leaves waiting for",
            "garbage collection. Leftovers of interrupted SM operations (OLD_* files,",
            "*.vhd.new, GC journals) and every defect found (missing parents, corrupt",
            "footers, over-long chains) are listed with what they mean. Nothing is ever",
            "written to the SR.",
            "",
            "A file SR (ext, nfs) is given as its directory, e.g. /run/sr-mount/<sr-uuid>.",
            "An LVM SR (lvm, lvmoiscsi, lvmohba) is given as its physical volumes: block",
            "devices or image files, in any order.",
            "",
            "With --xapi instead, it asks a running pool: its SRs (type, SMAPIv1 or SMAPIv3,",
            "size, free) and its VMs with their disks (VBD device, VDI name and uuid, SR,",
            "size) and their snapshots. Nothing is changed in the pool."},
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  smapi-migrate scan /run/sr-mount/b0fca227-5603-4f8a-b1be-036360633f13",
            "  smapi-migrate scan /dev/sdb --json",
            "  smapi-migrate scan lun0.img lun1.img",
            "  smapi-migrate scan --xapi https://pool-master \\",
            "      --xapi-password-file ~/.xapi-pw --xapi-fingerprint 3A:1F:...:C9",
            "  smapi-migrate scan --xapi unix:/var/lib/xcp/xapi --json",
            "",
            "Exit status: 0 when the SR was read (even with problems); 1 when it could",
            "not be read at all; 2 for usage errors."})
final class ScanCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "SR",
            description = "The SR directory, the physical volumes of an LVM SR, or an XVA archive ('-': standard input).")
    List<Path> sources;

    @Option(names = "--json", description = "Print the inventory as JSON (sr, vdis, leftovers, problems); each"
            + " VDI with is_a_snapshot, snapshot_of and snapshot_time from an LVHD SR's MGT (null where unknown,"
            + " as on file SRs), the form 'plan --inventory' reads back.")
    boolean json;

    @Mixin
    XapiOptions xapi;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean paths = sources != null && !sources.isEmpty();
        if (paths == xapi.given()) {
            throw new ParameterException(spec.commandLine(), paths ? "give SR paths or --xapi URL, not both"
                    : "Missing required parameter: 'SR' (or --xapi URL)");
        }
        if (xapi.given()) {
            try (XapiSession session = xapi.login()) {
                XapiInventory inv = XapiInventory.read(session);
                if (json) {
                    out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(inv.toJson()));
                } else {
                    XapiInventoryView.print(inv, session.endpoint().toString(), out);
                }
            }
            out.flush();
            return 0;
        }
        try (StorageRepository sr = SourceRepositories.open(sources)) {
            SrInventory inv = sr.inventory();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(InventoryJson.toJson(inv, SnapshotRecords.of(sr))));
            } else {
                InventoryView.print(inv, out);
            }
            out.flush();
        }
        return 0;
    }
}
