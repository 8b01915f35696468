package org.smapimigrate.migrate;

import java.io.IOException;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.plugin.DatapathPlugin;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;

/**
 * A datapath attachment an interrupted run of ours may have left behind. Activation is exclusive
 * (interface doc section 5), so a leftover blocks Volume.destroy and any other domain's activate
 * until it is released with the same domain.
 */
public final class StaleAttachment {
    private StaleAttachment() {
    }

    /** Deactivates, detaches and closes {@code volume} for {@code domain}, each attempted, errors ignored. */
    public static void release(PluginRoot root, Volume volume, String domain) {
        try {
            String uri = VolumeAttachment.chooseUri(root, volume);
            DatapathPlugin dp = root.datapathPlugin(Volume.schemeOf(uri));
            for (Call call : new Call[] {() -> dp.deactivate(uri, domain), () -> dp.detach(uri, domain),
                    () -> dp.close(uri)}) {
                try {
                    call.run();
                } catch (IOException e) {
                    // Not attached by us, or already released: Volume.destroy will tell if it is in use.
                }
            }
        } catch (IOException e) {
            // No datapath for it: nothing of ours can be attached.
        }
    }

    private interface Call {
        void run() throws IOException;
    }
}
