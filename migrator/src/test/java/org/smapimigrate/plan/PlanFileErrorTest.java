package org.smapimigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smapimigrate.cli.SmapiMigrate;

/**
 * A plan file edited by hand or cut short: reading it fails with one line naming the field as a
 * person finds it in the file, never Jackson's class names, source excerpts or reference chains.
 */
class PlanFileErrorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String goodPlan() throws Exception {
        Plan plan = Planner.plan(new PlanRequest(CorpusInventory.fileSr(), Map.of(), VdiSelection.allUserVisible(),
                TargetCapabilities.full("test target"), Throughput.assumed(), false));
        return PlanJson.toJson(plan);
    }

    /** The index of the first step of {@code kind}, and the plan with {@code edit} applied to it. */
    private static String edited(String kind, Consumer<ObjectNode> edit, int[] index) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(goodPlan());
        ArrayNode steps = (ArrayNode) root.get("steps");
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).get("kind").asText().equals(kind)) {
                edit.accept((ObjectNode) steps.get(i));
                index[0] = i;
                return JSON.writeValueAsString(root);
            }
        }
        throw new AssertionError("no " + kind + " step");
    }

    private static String failure(String json) {
        PlanFileException e = assertThrows(PlanFileException.class, () -> PlanJson.fromJson(json));
        String m = e.getMessage();
        assertEquals(1, m.lines().count(), "not one line: " + m);
        for (String internal : List.of("com.fasterxml", "org.smapimigrate", "Source:", "reference chain", "`")) {
            assertFalse(m.contains(internal), "Jackson's internals leak: " + m);
        }
        return m;
    }

    @Test
    void theGoodPlanReads() throws Exception {
        assertEquals(PlanJson.toJson(PlanJson.fromJson(goodPlan())), goodPlan());
    }

    @Test
    void aTextWhereANumberBelongs() throws Exception {
        int[] i = {0};
        String json = edited("create-volume", s -> s.put("size", "abc"), i);
        assertEquals("steps[" + i[0] + "].size: expected a whole number, not \"abc\"", failure(json));
    }

    @Test
    void anObjectWhereANumberBelongs() throws Exception {
        int[] i = {0};
        String json = edited("create-volume", s -> s.putObject("size"), i);
        assertEquals("steps[" + i[0] + "].size: expected a whole number", failure(json));
    }

    @Test
    void aNullNumber() throws Exception {
        int[] i = {0};
        String json = edited("create-volume", s -> s.putNull("size"), i);
        assertEquals("steps[" + i[0] + "].size: expected a whole number, not null", failure(json));
    }

    @Test
    void anUnknownField() throws Exception {
        int[] i = {0};
        String json = edited("copy-extents", s -> s.put("sise", 1), i);
        assertTrue(failure(json).startsWith("steps[" + i[0] + "]: unknown field \"sise\""), failure(json));
    }

    @Test
    void anUnknownStepKind() throws Exception {
        int[] i = {0};
        String json = edited("verify-volume", s -> s.put("kind", "format-disk"), i);
        assertEquals("steps[" + i[0] + "]: unknown step kind \"format-disk\"", failure(json));
    }

    @Test
    void aWrongEnumValue() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(goodPlan());
        root.put("strategy", "copy-everything-twice");
        String m = failure(JSON.writeValueAsString(root));
        assertTrue(m.startsWith("strategy: expected one of "), m);
    }

    @Test
    void aListWhereAnObjectBelongs() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(goodPlan());
        root.putArray("totals");
        assertEquals("totals: expected an object", failure(JSON.writeValueAsString(root)));
    }

    @Test
    void aTruncatedFile() throws Exception {
        String good = goodPlan();
        String m = failure(good.substring(0, good.length() / 2));
        assertTrue(m.startsWith("cut short: the JSON ends at line "), m);
    }

    @Test
    void notJsonAtAll() {
        String m = failure("plan: yes\n");
        assertTrue(m.startsWith("not valid JSON at line 1"), m);
        assertTrue(failure("").startsWith("empty or cut short"), failure(""));
    }

    @Test
    void anotherFormat() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(goodPlan());
        root.put("format", "smapi-migrate-plan/99");
        assertTrue(failure(JSON.writeValueAsString(root)).startsWith("format: not a plan this version understands"));
    }

    @Test
    void migrateSaysItInOneLine(@TempDir Path dir) throws Exception {
        int[] i = {0};
        Path file = Files.writeString(dir.resolve("plan.json"), edited("create-volume", s -> s.put("size", "abc"), i));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SmapiMigrate.run(new String[] {"migrate", "--plan", file.toString(), "--dry-run"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(1, code, err.toString());
        assertEquals(List.of("smapi-migrate: error: " + file + ": not a plan: steps[" + i[0]
                + "].size: expected a whole number, not \"abc\""), err.toString().lines().toList());
    }

    @Test
    void everyCutOfAPlanFailsInOneLine() throws Exception {
        String good = goodPlan();
        JsonNode unused = JSON.readTree(good);
        for (int cut = 0; cut < good.length() - 1; cut += Math.max(1, good.length() / 97)) {
            String part = good.substring(0, cut);
            PlanFileException e = assertThrows(PlanFileException.class, () -> PlanJson.fromJson(part), "cut at " + cut);
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
        assertTrue(unused.isObject());
    }
}
