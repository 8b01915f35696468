package org.smapimigrate.batch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One job of a batch: which SMAPIv1 SRs, which of their VDIs ({@code vdis} empty means all), into
 * which SMAPIv3 target (the same choices as migrate's target options), and how.
 *
 * @param targetSr      --target-sr: an SR of the bundled plugin in this directory
 * @param volumePlugin  --volume-plugin: an installed plugin's SR, with {@code srConfig}
 * @param plugins       --plugins: the plugin root
 * @param window        when new volumes may start; empty means at any time
 * @param bandwidth     bytes per second shared by all volumes of the run; empty means no limit
 * @param retries       further attempts of a failed volume, with backoff
 */
public record Job(String name, List<Path> sourceSrs, List<String> vdis, Path targetSr, String volumePlugin,
        Map<String, String> srConfig, Path plugins, Optional<Window> window, OptionalLong bandwidth,
        int concurrency, int retries) {
    public Job {
        sourceSrs = List.copyOf(sourceSrs);
        vdis = List.copyOf(vdis);
        srConfig = Map.copyOf(srConfig);
    }

    public boolean allVdis() {
        return vdis.isEmpty();
    }
}
