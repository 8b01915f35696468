package org.smapimigrate.vm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.xapi.XapiRecords;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.inventory.SmapiVersion;
import org.smapimigrate.xapi.records.Pbd;
import org.smapimigrate.xapi.records.Pool;
import org.smapimigrate.xapi.records.Sm;
import org.smapimigrate.xapi.records.Sr;
import org.smapimigrate.xapi.records.Vbd;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.Vm;
import org.smapimigrate.xapi.records.XapiClass;

/**
 * The records a VM plan looks at, read with one get_all_records per class (a consistent-enough
 * snapshot without a call per object), and looked up by ref or uuid.
 */
final class PoolRecords {
    final Map<String, Vm> vms;
    final Map<String, Vbd> vbds;
    final Map<String, Vdi> vdis;
    final Map<String, Sr> srs;
    final Map<String, Pbd> pbds;
    final Map<String, Sm> sms = new HashMap<>();
    final String master;

    private PoolRecords(XapiRecords r) throws IOException {
        vms = r.all(XapiClass.VM);
        vbds = r.all(XapiClass.VBD);
        vdis = r.all(XapiClass.VDI);
        srs = r.all(XapiClass.SR);
        pbds = r.all(XapiClass.PBD);
        r.all(XapiClass.SM).values().forEach(sm -> sms.put(sm.type(), sm));
        master = r.all(XapiClass.POOL).values().stream().findFirst().map(Pool::master).orElse(null);
    }

    static PoolRecords read(XapiSession session) throws IOException {
        return new PoolRecords(new XapiRecords(session));
    }

    SmapiVersion smapi(Sr sr) {
        return SmapiVersion.of(sr.type(), sms);
    }

    /** VMs (not snapshots, templates or control domains) whose uuid or name_label is {@code nameOrUuid}. */
    List<Vm> vmsNamed(String nameOrUuid) {
        List<Vm> out = new ArrayList<>();
        for (Vm vm : vms.values()) {
            if (vm.isControlDomain() || vm.isSnapshot() || vm.isTemplate()) {
                continue;
            }
            if (vm.uuid().equalsIgnoreCase(nameOrUuid) || vm.nameLabel().equals(nameOrUuid)) {
                out.add(vm);
            }
        }
        return out;
    }

    List<Sr> srsNamed(String nameOrUuid) {
        return srs.values().stream().filter(s -> s.uuid().equalsIgnoreCase(nameOrUuid)
                || s.nameLabel().equals(nameOrUuid)).toList();
    }

    /**
     * The PBD through which this host reaches {@code sr}: attached, on the pool master (where
     * smapi-migrate runs in dom0), else the only attached one; null when none.
     */
    Pbd attachedPbd(Sr sr) {
        List<Pbd> attached = sr.pbds().stream().map(pbds::get).filter(p -> p != null && p.currentlyAttached()).toList();
        return attached.stream().filter(p -> p.host().equals(master)).findFirst()
                .orElse(attached.size() == 1 ? attached.get(0) : null);
    }

    String vdiUuid(String ref) {
        Vdi v = vdis.get(ref);
        return v == null ? null : v.uuid();
    }
}
