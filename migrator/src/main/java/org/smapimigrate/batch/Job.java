package org.smapimigrate.batch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One job of a batch: which SMAPIv1 SRs (or XVA archives), which of their VDIs ({@code vdis}
 * empty means all), into which SMAPIv3 target (the same choices as migrate's target options), and
 * how.
 *
 * @param sourceSrs     the sources as the job file names them: SR paths, or XVA files when
 *                      {@code kind} is {@link SourceKind#XVA}
 * @param vdis          VDI uuids; for XVA sources also a disk's name or export id ({@code Ref:N})
 * @param targetSr      --target-sr: an SR of the bundled plugin in this directory
 * @param volumePlugin  --volume-plugin: an installed plugin's SR, with {@code srConfig}
 * @param plugins       --plugins: the plugin root
 * @param window        when new volumes may start; empty means at any time
 * @param bandwidth     bytes per second shared by all volumes of the run; empty means no limit
 * @param retries       further attempts of a failed volume, with backoff
 * @param kind          what {@code sourceSrs} are
 * @param force         error-level plan risks accepted by code, as migrate's --force
 * @param xapi          for {@link SourceKind#VM}: the pool and its VMs; else null
 * @param poolSr        for {@link SourceKind#VM}: the pool's SMAPIv3 SR by name or uuid; else null
 */
public record Job(String name, List<Path> sourceSrs, List<String> vdis, Path targetSr, String volumePlugin,
        Map<String, String> srConfig, Path plugins, Optional<Window> window, OptionalLong bandwidth,
        int concurrency, int retries, SourceKind kind, List<String> force, Xapi xapi, String poolSr) {
    /** What a job's sources are: SMAPIv1 SR paths, XVA files, or VMs of a pool through XAPI. */
    public enum SourceKind { SR, XVA, VM }

    /**
     * A pool's VMs, as 'migrate --xapi URL --vm NAME' takes them: the VMs named in {@code vms}, or
     * every VM with a disk on the pool SR {@code sr} (name or uuid). The password is not here: it
     * is read from {@code passwordFile}, or else the XAPI_PASSWORD environment variable, when the
     * run logs in, so it is never in the job file, the state or a log.
     *
     * @param transport local, xapi, or null for the planner's choice
     */
    public record Xapi(String url, String user, Path passwordFile, Path ca, String fingerprint, String transport,
                       List<String> vms, String sr) {
        public Xapi {
            vms = vms == null ? List.of() : List.copyOf(vms);
        }
    }

    public Job {
        sourceSrs = List.copyOf(sourceSrs);
        vdis = List.copyOf(vdis);
        srConfig = Map.copyOf(srConfig);
        force = List.copyOf(force);
    }

    /** A job over SMAPIv1 SRs or XVA files. */
    public Job(String name, List<Path> sourceSrs, List<String> vdis, Path targetSr, String volumePlugin,
               Map<String, String> srConfig, Path plugins, Optional<Window> window, OptionalLong bandwidth,
               int concurrency, int retries, SourceKind kind, List<String> force) {
        this(name, sourceSrs, vdis, targetSr, volumePlugin, srConfig, plugins, window, bandwidth, concurrency, retries,
                kind, force, null, null);
    }

    /** A job over SMAPIv1 SRs accepting no risk. */
    public Job(String name, List<Path> sourceSrs, List<String> vdis, Path targetSr, String volumePlugin,
               Map<String, String> srConfig, Path plugins, Optional<Window> window, OptionalLong bandwidth,
               int concurrency, int retries) {
        this(name, sourceSrs, vdis, targetSr, volumePlugin, srConfig, plugins, window, bandwidth, concurrency,
                retries, SourceKind.SR, List.of());
    }

    public boolean allVdis() {
        return vdis.isEmpty();
    }
}
