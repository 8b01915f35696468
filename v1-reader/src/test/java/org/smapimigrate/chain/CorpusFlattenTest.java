package org.smapimigrate.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.smapimigrate.disk.Extent;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.disk.RawFileDisk;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.filesr.FileSr;
import org.smapimigrate.testing.Corpus;
import org.smapimigrate.vhd.Finding;

/**
 * Every image of the corpus manifest, opened as a chain: readable ones flatten to their
 * {@code expected_sha256}, broken ones fail with the expected defect code or read with the expected
 * warning. Expectations come from blktap's vhd-util, qemu-img and a python model (manifest).
 */
class CorpusFlattenTest {
    private static final String[] TREES = {"file-sr", "broken", "dialects"};
    private static Map<String, String> before;

    @BeforeAll
    static void fingerprint() throws Exception {
        before = Corpus.fingerprint(TREES);
    }

    @AfterAll
    static void corpusUnchanged() throws Exception {
        assertEquals(before, Corpus.fingerprint(TREES), "a test modified the corpus");
    }

    @TestFactory
    List<DynamicTest> everyManifestEntry() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode e : Corpus.manifest().get("entries")) {
            String id = e.get("id").asText();
            String rel = e.has("file") ? e.get("file").asText() : e.get("path").asText();
            Path file = Corpus.path(rel);
            String outcome = e.path("expected_outcome").asText("");
            JsonNode sha = e.get("expected_sha256");
            if (outcome.startsWith("error: ")) {
                String code = outcome.substring("error: ".length());
                tests.add(dynamicTest(id + " fails with " + code, () -> {
                    ImageDefectException ex = assertThrows(ImageDefectException.class, () -> {
                        try (VirtualDisk d = FileSr.openVhdFile(file)) {
                            Corpus.sha256(d);
                        }
                    });
                    assertEquals(code, ex.code(), ex.getMessage());
                    assertNotNull(ex.file());
                }));
            } else {
                String warning = outcome.startsWith("readable-with-warning: ")
                        ? outcome.substring("readable-with-warning: ".length()) : null;
                tests.add(dynamicTest(id + " flattens to " + sha.asText().substring(0, 12), () -> {
                    try (VirtualDisk d = rel.endsWith(".raw") ? RawFileDisk.open(file) : FileSr.openVhdFile(file)) {
                        assertEquals(e.get("virtual_size").asLong(), d.size(), "virtual size");
                        assertEquals(sha.asText(), Corpus.sha256(d));
                        assertHolesReadAsZeros(d);
                        if (d instanceof VhdChain chain) {
                            List<String> codes = chain.findings().stream().map(Finding::code).toList();
                            if (warning != null) {
                                assertTrue(codes.contains(warning), "expected warning " + warning + " in " + chain.findings());
                            }
                            if (e.has("depth") && !e.get("depth").isNull()) {
                                assertEquals(e.get("depth").asInt(), chain.depth(), "chain depth");
                            }
                            if (e.has("expected_allocated_bytes")) {
                                assertEquals(e.get("expected_allocated_bytes").asLong(), chain.leaf().allocatedBytes(),
                                        "allocated bytes");
                            }
                        }
                    }
                }));
            }
        }
        return tests;
    }

    /** Extents tile the disk, and nothing reported as a hole holds a non-zero byte. */
    static void assertHolesReadAsZeros(VirtualDisk d) throws java.io.IOException {
        long pos = 0;
        for (Extent x : d.extents(0, d.size())) {
            assertEquals(pos, x.offset(), "extents must tile the disk");
            pos = x.end();
            if (x.kind().readsAsZero()) {
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(x.length(), 64 << 20));
                for (long at = x.offset(); at < x.end(); at += b.capacity()) {
                    b.clear().limit((int) Math.min(b.capacity(), x.end() - at));
                    d.read(b, at);
                    for (int i = 0; i < b.limit(); i++) {
                        if (b.get(i) != 0) {
                            throw new AssertionError(x + " reads a non-zero byte at " + (at + i));
                        }
                    }
                }
            }
        }
        assertEquals(d.size(), pos, "extents must cover the disk");
    }
}
