package org.smapimigrate.migrate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sums what the read calls of an {@code strace -f -y} log returned, per file. A call another
 * thread interrupts is logged in two lines ({@code <unfinished ...>}, then
 * {@code <... pread64 resumed>}); the first names the file, the second the result.
 */
final class StraceReads {
    /** {@code 123 pread64(7</path/x>, ...} and the result at the end. */
    private static final Pattern CALL = Pattern.compile("^(\\d+)\\s+(?:read|pread64|readv|preadv)\\(\\d+<([^>]*)>");
    private static final Pattern RESUMED = Pattern.compile("^(\\d+)\\s+<\\.\\.\\. (?:read|pread64|readv|preadv) resumed>");
    private static final Pattern RESULT = Pattern.compile("=\\s+(\\d+)$");

    private StraceReads() {
    }

    static Map<String, Long> bytesPerFile(Path log) throws IOException {
        Map<String, Long> bytes = new HashMap<>();
        Map<String, String> unfinished = new HashMap<>();
        for (String raw : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            String line = raw.trim();
            Matcher call = CALL.matcher(line);
            String file;
            if (call.find()) {
                file = call.group(2);
                if (line.endsWith("<unfinished ...>")) {
                    unfinished.put(call.group(1), file);
                    continue;
                }
            } else {
                Matcher resumed = RESUMED.matcher(line);
                if (!resumed.find()) {
                    continue;
                }
                file = unfinished.remove(resumed.group(1));
                if (file == null) {
                    continue;
                }
            }
            Matcher result = RESULT.matcher(line);
            if (result.find()) {
                bytes.merge(file, Long.parseLong(result.group(1)), Long::sum);
            }
        }
        return bytes;
    }
}
