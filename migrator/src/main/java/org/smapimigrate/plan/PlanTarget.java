package org.smapimigrate.plan;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SMAPIv3 SR a plan writes into, as named when it was planned, so that
 * {@code migrate --plan} needs nothing else: the bundled SR in a directory ({@code --target-sr},
 * made with SR.create when absent), or an SR of any volume plugin attached with its
 * configuration ({@code --volume-plugin} and {@code --sr-config}).
 *
 * @param pluginRoot    absolute path of the plugin tree ({@code volume/}, {@code datapath/})
 * @param volumePlugin  the volume plugin's directory name under {@code volume/}
 * @param configuration what SR.attach is given (a host's PBD device-config); for the bundled SR
 *                      its {@code path}
 * @param bundledSr     the bundled SR's directory ({@code --target-sr}), else null
 */
public record PlanTarget(String pluginRoot, String volumePlugin, Map<String, String> configuration,
                         String bundledSr) {

    public PlanTarget {
        configuration = configuration == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(configuration));
    }

    /** For messages: {@code org.smapimigrate.dirvol SR in /srv/v3} or {@code NAME SR {k=v}}. */
    public String describe() {
        return volumePlugin + " SR " + (bundledSr != null ? "in " + bundledSr : configuration.toString());
    }
}
