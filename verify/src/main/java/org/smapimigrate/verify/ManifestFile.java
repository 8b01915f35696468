package org.smapimigrate.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reads and writes manifests as JSON files (snake_case fields), atomically. */
public final class ManifestFile {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ManifestFile() {
    }

    public static ObjectMapper mapper() {
        return JSON;
    }

    /** Writes {@code manifest} to {@code path} through a temporary file, so a reader never sees half of it. */
    public static void write(Path path, Manifest manifest) throws IOException {
        Path abs = path.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            JSON.writeValue(out, manifest);
        }
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Manifest read(Path path) throws IOException {
        Manifest m;
        try {
            m = JSON.readValue(path.toFile(), Manifest.class);
        } catch (JsonProcessingException e) {
            throw new IOException(path + ": not a smapi-migrate manifest: " + e.getOriginalMessage(), e);
        }
        if (!Manifest.FORMAT.equals(m.format())) {
            throw new IOException(path + ": manifest format '" + m.format() + "', this version reads "
                    + Manifest.FORMAT);
        }
        if (m.digest() == null || m.target() == null) {
            throw new IOException(path + ": manifest without digest or target");
        }
        return m;
    }
}
