package org.smapimigrate.vm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.smapimigrate.plan.PlanFileException;
import org.smapimigrate.plan.PlanJson;

/** Reads and writes {@link VmPlan}s with the disk plans' own mapper, so the embedded plans are exactly plan files. */
public final class VmPlanJson {
    private VmPlanJson() {
    }

    /** True when {@code file} holds a VM plan (its format field says so). */
    public static boolean isVmPlan(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            JsonNode n = PlanJson.mapper().readTree(in);
            return n != null && VmPlan.FORMAT.equals(n.path("format").asText());
        } catch (IOException e) {
            return false;
        }
    }

    public static String toJson(VmPlan plan) {
        try {
            return PlanJson.mapper().writeValueAsString(plan);
        } catch (IOException e) {
            throw new IllegalStateException("a VM plan always serialises", e);
        }
    }

    public static void write(VmPlan plan, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            PlanJson.mapper().writeValue(out, plan);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static VmPlan read(Path file) throws IOException {
        VmPlan p;
        try (InputStream in = Files.newInputStream(file)) {
            p = PlanJson.mapper().readValue(in, VmPlan.class);
        } catch (JsonProcessingException e) {
            throw PlanFileException.of(e);
        }
        if (p == null || !VmPlan.FORMAT.equals(p.format())) {
            throw new PlanFileException("format", "not a VM plan this version understands: expected " + VmPlan.FORMAT,
                    null);
        }
        return p;
    }
}
