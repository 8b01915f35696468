package org.smapimigrate.cli;

import java.nio.file.Path;
import java.util.List;
import org.smapimigrate.vm.VmPlanner;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of a VM-level plan or migration through XAPI, declared once for 'plan' and 'migrate'. */
final class VmOptions {
    @Mixin
    XapiOptions xapi;

    @Option(names = "--vm", arity = "1..*", paramLabel = "NAME|UUID",
            description = "With --xapi: migrate these VMs (repeat), with their snapshots; --target-sr then names the"
                    + " pool's SMAPIv3 SR by name or uuid.")
    List<String> vms;

    @Option(names = "--host-root", paramLabel = "DIR",
            description = "With --xapi: resolve this host's paths (/var/run/sr-mount, /dev, the plugins under"
                    + " /usr/libexec/xapi-storage-script) under DIR, e.g. for a copy of them (default: /).")
    Path hostRoot;

    @Option(names = "--transport", paramLabel = "local|xapi",
            description = "With --vm: how disk data reaches the target: local (the plugin and SR.scan on this host)"
                    + " or xapi (XAPI's HTTP disk handlers). Default: local when the SRs are visible here.")
    Transport transport;

    /**
     * The values of --transport, as picocli parses them: an unknown one is a usage error (exit 2,
     * picocli's "expected one of [local, xapi]" line) before any work starts.
     */
    enum Transport {
        local, xapi
    }

    boolean given() {
        return xapi.given() || vms != null;
    }

    VmPlanner.TransportChoice transportChoice() {
        if (transport == null) {
            return VmPlanner.TransportChoice.AUTO;
        }
        return switch (transport) {
            case local -> VmPlanner.TransportChoice.LOCAL;
            case xapi -> VmPlanner.TransportChoice.XAPI;
        };
    }
}
