package org.smapimigrate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.smapimigrate.vhd.VhdWriter;

/**
 * A file SR whose bytes try to send a reader outside it, and the traps waiting there: a FIFO
 * (opening it for reading blocks, so any open hangs) and a bait, a perfect copy of the parent a
 * child wants (reading it would make the child's chain readable).
 *
 * <p>In the SR: VDI {@link #A} whose parent locator names {@code evil.vhd}, a relative link to
 * the bait; VDI {@link #B} whose parent {@code to-fifo.vhd} is an absolute link to the FIFO; a
 * VDI file {@link #C}{@code .vhd} and a journal {@code leaf_}{@link #D} that are links to the
 * FIFO; and GC journals whose values hold NUL, '/', '..', an ESC sequence, or the bare name of
 * the link out.
 *
 * @param sr       the SR directory
 * @param outside  the directory nothing may look into
 * @param links    the links inside the SR that lead outside
 * @param journals journal file name to the value written into it
 */
public record HostileFileSr(Path sr, Path outside, List<Path> links, Map<String, String> journals) {
    public static final String A = "11111111-1111-4111-8111-111111111111";
    public static final String B = "22222222-2222-4222-8222-222222222222";
    public static final String C = "33333333-3333-4333-8333-333333333333";
    public static final String D = "44444444-4444-4444-8444-444444444444";
    public static final String E = "55555555-5555-4555-8555-555555555555";
    public static final String F = "66666666-6666-4666-8666-666666666666";

    /** Builds the layout under {@code tmp}. */
    public static HostileFileSr build(Path tmp) throws IOException, InterruptedException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path sr = Files.createDirectories(tmp.resolve("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"));
        Path fifo = outside.resolve("fifo.vhd");
        Process proc = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, proc.waitFor(), "mkfifo (coreutils) failed");

        Path evil = sr.resolve("evil.vhd");
        VhdWriter.dynamic(evil, 2 << 20).create().close();
        VhdWriter.differencing(sr.resolve(A + ".vhd"), evil).create().close();
        Files.copy(evil, outside.resolve("bait.vhd"));
        Files.delete(evil);
        Files.createSymbolicLink(evil, Path.of("../outside/bait.vhd"));

        Path toFifo = sr.resolve("to-fifo.vhd");
        VhdWriter.dynamic(toFifo, 2 << 20).create().close();
        VhdWriter.differencing(sr.resolve(B + ".vhd"), toFifo).create().close();
        Files.delete(toFifo);
        Files.createSymbolicLink(toFifo, fifo);

        Path c = Files.createSymbolicLink(sr.resolve(C + ".vhd"), fifo);
        Path d = Files.createSymbolicLink(sr.resolve("leaf_" + D), fifo);

        Map<String, String> journals = new TreeMap<>();
        journals.put("leaf_" + A, "evil");
        journals.put("leaf_" + B, "../outside/bait");
        journals.put("leaf_" + C, "..");
        journals.put("leaf_" + E, "ba3a5130\0../../outside/bait");
        journals.put("coalesce_" + A, "\0");
        journals.put("relink_" + B, "x/../../outside/fifo");
        journals.put("leaf_" + F, "\u001b[31mred\u001b[0m");
        for (Map.Entry<String, String> j : journals.entrySet()) {
            Files.write(sr.resolve(j.getKey()), j.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return new HostileFileSr(sr.toRealPath(), outside.toRealPath(), List.of(evil, toFifo, c, d), journals);
    }
}
