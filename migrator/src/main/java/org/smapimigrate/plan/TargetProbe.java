package org.smapimigrate.plan;

import java.io.IOException;

/**
 * Finds out what a SMAPIv3 target offers. The planner never probes: the command asks a probe
 * (the bundled plugin, a plugin directory, or fixed command-line values) and hands the planner
 * the answer, so planning stays a pure function.
 */
public interface TargetProbe {

    TargetCapabilities probe() throws IOException;
}
