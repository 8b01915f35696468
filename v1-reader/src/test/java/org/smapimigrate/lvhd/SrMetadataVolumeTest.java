package org.smapimigrate.lvhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.smapimigrate.disk.ImageDefectException;

/**
 * MGT volumes laid out as smapiv1-layout part D describes ({@code srmetadata.py}): space-padded
 * sectors, XML-escaped text, tags in any order split over the two sectors of a slot, unknown tags,
 * deleted slots and slots past the header length. Written by the test from the layout, read back.
 */
class SrMetadataVolumeTest {
    private static final String[] TAGS = {"uuid", "is_a_snapshot", "snapshot_of", "snapshot_time", "type",
        "vdi_type", "read_only", "managed", "metadata_of_pool", "deleted"};

    @Provide
    Arbitrary<String> text() {
        // Short enough that a slot fits its 1024 bytes even with every character escaped.
        return Arbitraries.strings().withCharRange(' ', '~').withChars("&<>\"'éß€").ofMaxLength(20);
    }

    @Property(tries = 200)
    void slotsReadBackWhateverTheirTagOrderAndEscapes(@ForAll List<@From("text") String> labels,
                                                     @ForAll("text") String srLabel,
                                                     @ForAll @IntRange(min = 0, max = 3) int dropped,
                                                     @ForAll long seed) throws IOException {
        Random r = new Random(seed);
        List<Map<String, String>> slots = new ArrayList<>();
        for (String label : labels.subList(0, Math.min(labels.size(), 12))) {
            Map<String, String> f = new LinkedHashMap<>();
            f.put("name_label", label);
            f.put("name_description", new StringBuilder(label).reverse().toString());
            for (String tag : TAGS) {
                f.put(tag, switch (tag) {
                    case "uuid" -> new java.util.UUID(r.nextLong(), r.nextLong()).toString();
                    case "is_a_snapshot", "read_only", "managed", "deleted" -> r.nextBoolean() ? "1" : "0";
                    case "snapshot_time" -> r.nextBoolean() ? "" : "20260312T08:30:00Z";
                    case "metadata_of_pool" -> r.nextBoolean() ? "" : "OpaqueRef:NULL";
                    default -> "x" + r.nextInt(100);
                });
            }
            if (r.nextBoolean()) {
                f.put("offset", Integer.toString(2048 + 1024 * slots.size()));
            }
            if (r.nextInt(4) == 0) {
                f.put("some_future_tag", "&<>");
            }
            slots.add(f);
        }
        int live = slots.size() - Math.min(dropped, slots.size());
        byte[] volume = layout(srLabel, slots, live, r);
        SrMetadataVolume mgt = SrMetadataVolume.read(new BytesDisk(volume), "MGT");
        assertEquals(srLabel, mgt.sr().nameLabel());
        assertEquals(2048 + 1024L * live, mgt.length());
        assertEquals(slots.size(), mgt.slots().size());
        for (int i = 0; i < slots.size(); i++) {
            MgtVdiRecord rec = mgt.slots().get(i);
            assertEquals(slots.get(i), rec.fields());
            assertEquals(i < live, rec.withinLength());
            assertEquals(i < live && !rec.deleted(), rec.live());
        }
    }

    @Example
    void aVolumeWithoutXssmHeaderIsMgtInvalid() {
        ImageDefectException e = assertThrows(ImageDefectException.class,
                () -> SrMetadataVolume.read(new BytesDisk(new byte[8192]), "MGT"));
        assertEquals("mgt-invalid", e.code());
        byte[] tooLong = new byte[8192];
        System.arraycopy(sector("XSSM:99999     :1:2"), 0, tooLong, 0, 512);
        assertEquals("mgt-invalid", assertThrows(ImageDefectException.class,
                () -> SrMetadataVolume.read(new BytesDisk(tooLong), "MGT")).code());
    }

    @Example
    void unescapingKnowsEntitiesAndCharacterReferences() {
        assertEquals("a&b<c>d\"e'f&g&h& ;&bogus;", SrMetadataVolume.unescape(
                "a&amp;b&lt;c&gt;d&quot;e&apos;f&#38;g&#x26;h& ;&bogus;"));
    }

    /** The volume SM would write: {@code live} slots inside the length, the rest past it. */
    private static byte[] layout(String srLabel, List<Map<String, String>> slots, int live, Random r) {
        byte[] v = new byte[2048 + 1024 * (slots.size() + 2)];
        put(v, 0, sector("XSSM:" + String.format("%-10d", 2048 + 1024 * live) + ":1:2"));
        put(v, 512, sector("<?xml version=\"1.0\" ?><uuid>sr</uuid><allocation>thick</allocation>"));
        put(v, 1024, sector("<name_label>" + escape(srLabel, r) + "</name_label>"));
        put(v, 1536, sector("<name_description></name_description>"));
        for (int i = 0; i < slots.size(); i++) {
            List<String> elements = new ArrayList<>();
            slots.get(i).forEach((k, val) -> elements.add(val.isEmpty() && r.nextInt(3) == 0 ? "<" + k + "/>"
                    : "<" + k + ">" + escape(val, r) + "</" + k + ">"));
            Collections.shuffle(elements, r);
            // Split the elements over the slot's two sectors, anywhere both fit.
            List<Integer> fits = new ArrayList<>();
            for (int k = 0; k <= elements.size(); k++) {
                if (bytes("<vdi>" + String.join("", elements.subList(0, k))) <= 512
                        && bytes(String.join("", elements.subList(k, elements.size())) + "</vdi>") <= 512) {
                    fits.add(k);
                }
            }
            if (fits.isEmpty()) {
                throw new IllegalStateException("test slot too large");
            }
            int split = fits.get(r.nextInt(fits.size()));
            String a = "<vdi>" + String.join("", elements.subList(0, split));
            String b = String.join("", elements.subList(split, elements.size())) + "</vdi>";
            put(v, 2048 + 1024 * i, sector(a));
            put(v, 2048 + 1024 * i + 512, sector(b));
        }
        return v;
    }

    /** SM escapes &, < and >; quotes may come escaped, also as character references. */
    private static String escape(String s, Random r) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append(r.nextBoolean() ? "&amp;" : "&#38;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append(r.nextBoolean() ? "&gt;" : "&#x3E;");
                case '"' -> b.append(r.nextBoolean() ? "\"" : "&quot;");
                case '\'' -> b.append(r.nextBoolean() ? "'" : "&apos;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static byte[] sector(String text) {
        byte[] s = new byte[512];
        Arrays.fill(s, (byte) ' ');
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(t, 0, s, 0, t.length);
        return s;
    }

    private static void put(byte[] v, int at, byte[] b) {
        System.arraycopy(b, 0, v, at, b.length);
    }
}
