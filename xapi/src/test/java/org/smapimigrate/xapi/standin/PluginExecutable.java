package org.smapimigrate.xapi.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Calls one SMAPIv3 plugin method the way xapi-storage-script's fork_exec_rpc does
 * (shared/docs/smapiv3-interface.md section 1): runs {@code <dir>/<Interface>.<method> --json}
 * (file found case-insensitively; the symlink itself is executed), the params object as one JSON
 * line on stdin, the bare result on stdout with exit 0, or {@code {"code","params"}} on stdout with
 * a non-zero exit. The plugin's error becomes the XAPI error with the plugin's own code (section
 * 1 "Error codes", "SMAPIv3 errors"); bad output becomes SCRIPT_FAILED, a missing method
 * SCRIPT_MISSING. Written here from the document, independently of v3-writer's client.
 */
final class PluginExecutable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PluginExecutable() {
    }

    static JsonNode call(Path pluginDir, String method, Map<String, ?> params) {
        Path exe = find(pluginDir, method);
        try {
            Process p = new ProcessBuilder(exe.toString(), "--json").start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (var stdin = p.getOutputStream()) {
                stdin.write((JSON.writeValueAsString(params) + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the plugin may exit without reading; its exit status tells
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new XapiFailure("SCRIPT_FAILED", exe.toString(), "timeout");
            }
            String stdout = new String(out.get(), StandardCharsets.UTF_8);
            String stderr = new String(err.get(), StandardCharsets.UTF_8);
            JsonNode tree;
            try {
                tree = JSON.readTree(stdout);
            } catch (IOException e) {
                tree = null;
            }
            if (p.exitValue() == 0 && tree != null && !tree.isMissingNode()) {
                return tree;
            }
            if (p.exitValue() != 0 && tree != null && tree.path("code").isTextual()) {
                String[] params2 = new String[tree.path("params").size()];
                for (int i = 0; i < params2.length; i++) {
                    JsonNode x = tree.path("params").get(i);
                    params2[i] = x.isTextual() ? x.asText() : x.toString();
                }
                throw new XapiFailure(tree.get("code").asText(), params2);
            }
            throw new XapiFailure("SCRIPT_FAILED", exe.toString(), "non-zero exit and bad json on stdout",
                    stdout.strip(), stderr.strip());
        } catch (IOException | java.util.concurrent.ExecutionException e) {
            throw new XapiFailure("SCRIPT_FAILED", exe.toString(), String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new XapiFailure("SCRIPT_FAILED", exe.toString(), "interrupted");
        }
    }

    static boolean has(Path pluginDir, String method) {
        return findOrNull(pluginDir, method) != null;
    }

    private static Path find(Path dir, String method) {
        Path p = findOrNull(dir, method);
        if (p == null) {
            throw new XapiFailure("SCRIPT_MISSING", dir.resolve(method).toString());
        }
        return p;
    }

    private static Path findOrNull(Path dir, String method) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (p.getFileName().toString().equalsIgnoreCase(method)) {
                    return p;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static byte[] readAll(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
