package org.smapimigrate.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The plan file: snake_case keys like the {@code scan --json} document, absent values as JSON
 * null, steps tagged by {@code kind}. Reading refuses unknown keys and other formats, so an
 * executor never runs a plan it half understands.
 */
public final class PlanJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private PlanJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String toJson(Plan plan) {
        try {
            return MAPPER.writeValueAsString(plan);
        } catch (IOException e) {
            throw new IllegalStateException("a plan always serialises", e);
        }
    }

    public static void write(Plan plan, OutputStream out) throws IOException {
        MAPPER.writeValue(out, plan);
    }

    public static void write(Plan plan, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            write(plan, out);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * @throws PlanFileException one line naming the field, when the text is not a whole plan of
     *         this format
     */
    public static Plan fromJson(String json) throws IOException {
        try {
            return check(MAPPER.readValue(json, Plan.class));
        } catch (JsonProcessingException e) {
            throw PlanFileException.of(e);
        }
    }

    /**
     * @throws PlanFileException one line naming the field, when the file is not a whole plan of
     *         this format (hand-edited, cut short, from another version)
     */
    public static Plan read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return check(MAPPER.readValue(in, Plan.class));
        } catch (JsonProcessingException e) {
            throw PlanFileException.of(e);
        }
    }

    private static Plan check(Plan p) throws IOException {
        if (p == null) {
            throw new PlanFileException(null, "empty: the file holds JSON null, not a plan", null);
        }
        if (!Plan.FORMAT.equals(p.format())) {
            throw new PlanFileException("format", "not a plan this version understands: format " + p.format()
                    + ", expected " + Plan.FORMAT, null);
        }
        return p;
    }
}
