package org.smapimigrate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.plan.ForecastSettings;
import org.smapimigrate.plan.Throughput;
import org.smapimigrate.report.TerminalText;
import org.smapimigrate.vm.CbtWriteSample;
import org.smapimigrate.vm.VmLivePlanner;
import org.smapimigrate.vm.VmPlan;
import org.smapimigrate.xapi.XapiRecords;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.records.XapiClass;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code plan --xapi URL --vm ... --mode live}: the figures the forecast needs from the pool (each
 * disk's physical_utilisation; without --write-rate, a CBT sample of each running disk), then
 * {@link VmLivePlanner}.
 */
final class VmLiveForecasts {
    private VmLiveForecasts() {
    }

    static VmPlan add(VmPlan p, ForecastSettings settings, Throughput copy, XapiSession session, int sampleSeconds,
                      boolean json, CommandSpec spec) throws IOException, InterruptedException {
        List<String> running = new ArrayList<>();
        for (VmPlan.PlannedVm vm : p.vms()) {
            if (!vm.isSnapshot() && "Running".equals(vm.powerState())) {
                vm.vbds().stream().filter(b -> b.repoint() && b.vdi() != null).forEach(b -> running.add(b.vdi()));
            }
        }
        XapiRecords records = new XapiRecords(session);
        Map<String, Long> utilisation = new LinkedHashMap<>();
        for (String vdi : running) {
            utilisation.put(vdi, records.byUuid(XapiClass.VDI, vdi).physicalUtilisation());
        }
        Map<String, Long> rates = Map.of();
        ForecastSettings s = settings;
        if (settings.writeRateBasis().startsWith("measured") && !running.isEmpty()) {
            List<String> off = CbtWriteSample.withoutCbt(session, running);
            if (!off.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--mode live with --vm: give --write-rate;"
                        + " the write rate is sampled with CBT, which is off on VDI " + shown(off)
                        + " (a plan does not turn it on: 'xe vdi-enable-cbt', or give the rate the VM's monitoring"
                        + " shows)");
            }
            if (!json) {
                PrintWriter err = spec.commandLine().getErr();
                err.printf("Sampling the write rate of %d disk%s with CBT for %d s ...%n", running.size(),
                        running.size() == 1 ? "" : "s", sampleSeconds);
                err.flush();
            }
            rates = CbtWriteSample.measure(session, running, Duration.ofSeconds(sampleSeconds));
            s = settings.withWriteRate(rates.values().stream().mapToLong(Long::longValue).max().orElse(0),
                    "measured over " + sampleSeconds + " s (CBT: 64 KiB blocks changed between two snapshots)");
        }
        return VmLivePlanner.plan(p, s, copy, utilisation, rates);
    }

    /** For messages: a VDI list as the pool named it, escaped. */
    static String shown(List<String> vdis) {
        return TerminalText.escape(String.join(", ", vdis));
    }
}
