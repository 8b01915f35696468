package org.smapimigrate.lvm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smapimigrate.disk.ImageDefectException;
import org.smapimigrate.lvm.LvmCorpus;
import org.smapimigrate.lvm.config.ConfigValue.Int;
import org.smapimigrate.lvm.config.ConfigValue.ListValue;
import org.smapimigrate.lvm.config.ConfigValue.Real;
import org.smapimigrate.lvm.config.ConfigValue.Str;

/** The grammar of lvm2-ondisk.md §6, one rule at a time. */
class ConfigParserTest {

    private static ConfigValue value(String text, String key) throws ImageDefectException {
        return ConfigParser.parse(text, "t").value(key).orElseThrow();
    }

    @Test
    void doubleQuotedStringsKnowOnlyTwoEscapes() throws ImageDefectException {
        assertEquals(new Str("x\"y\\z\\n"), value("a = \"x\\\"y\\\\z\\n\"", "a"));
    }

    @Test
    void singleQuotedStringsHaveNoEscapes() throws ImageDefectException {
        assertEquals(new Str("a\\b\"c"), value("a = 'a\\b\"c'", "a"));
    }

    @Test
    void commentsRunToTheEndOfTheLineOutsideStrings() throws ImageDefectException {
        ConfigSection root = ConfigParser.parse("a = 1 # b = 2\nc = \"#not a comment\" # x\n# d = 4", "t");
        assertEquals(List.of(new ConfigSetting("a", new Int(1)), new ConfigSetting("c", new Str("#not a comment"))),
                root.items());
    }

    @Test
    void numbers() throws ImageDefectException {
        ConfigSection root = ConfigParser.parse("a=-5 b=+7 c=010 d=1.5 e=.25 f=9223372036854775807"
                + " g=-9223372036854775808", "t");
        assertEquals(new Int(-5), root.value("a").orElseThrow());
        assertEquals(new Int(7), root.value("b").orElseThrow());
        assertEquals(new Int(8), root.value("c").orElseThrow(), "strtoll(..., 0) reads a leading 0 as octal");
        assertEquals(new Real(1.5), root.value("d").orElseThrow());
        assertEquals(new Real(0.25), root.value("e").orElseThrow());
        assertEquals(new Int(Long.MAX_VALUE), root.value("f").orElseThrow());
        assertEquals(new Int(Long.MIN_VALUE), root.value("g").orElseThrow());
    }

    @Test
    void listsTakeOptionalCommasAndMayBeEmpty() throws ImageDefectException {
        ConfigSection root = ConfigParser.parse("a = []\nb = [\"x\" \"y\", 3,]\nc=[bare]", "t");
        assertEquals(new ListValue(List.of()), root.value("a").orElseThrow());
        assertEquals(new ListValue(List.of(new Str("x"), new Str("y"), new Int(3))), root.value("b").orElseThrow());
        assertEquals(new ListValue(List.of(new Str("bare"))), root.value("c").orElseThrow());
    }

    @Test
    void namesMayHoldDashesDotsAndBrackets() throws ImageDefectException {
        ConfigSection root = ConfigParser.parse("VHD-1.x[0]{id=\"a\"}\"quoted name\" = 1", "t");
        assertEquals("VHD-1.x[0]", root.sections().get(0).name());
        assertEquals(new Int(1), root.value("quoted name").orElseThrow());
    }

    @Test
    void theTextEndsAtANul() throws ImageDefectException {
        byte[] b = "a = 1\0 garbage {{{".getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of(new ConfigSetting("a", new Int(1))),
                ConfigParser.parse(b, "t", i -> i).items());
    }

    @Test
    void theCorpusTextParses() throws ImageDefectException {
        String text = LvmCorpus.sr().get("lvm_metadata_text").asText();
        ConfigSection root = ConfigParser.parse(text, "t");
        assertEquals(new Str("Text Format Volume Group"), root.value("contents").orElseThrow());
        ConfigSection vg = root.sections().get(0);
        assertEquals("VG_XenStorage-97830bca-45b7-4a4c-96d4-5326e30dc0ff", vg.name());
        assertEquals(new Int(44), vg.value("seqno").orElseThrow());
    }

    @Test
    void syntaxErrorsNameLineColumnAndOffset() {
        ImageDefectException e = assertThrows(ImageDefectException.class,
                () -> ConfigParser.parse("a = 1\nb { c = \"open", "f.img"));
        assertEquals("metadata-syntax", e.code());
        assertEquals(14, e.offset());
        assertTrue(e.getMessage().contains("line 2 column 9"), e.getMessage());
        for (String bad : List.of("a", "a = ", "a {", "a = [1, 2", "a = [,]", "}", "= 1", "a = {",
                "a = 99999999999999999999", "a = 09", "a = +", "a = -.", "a 1", "a = 'x")) {
            ImageDefectException x = assertThrows(ImageDefectException.class,
                    () -> ConfigParser.parse(bad, "f"), bad);
            assertEquals("metadata-syntax", x.code(), bad);
        }
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String deep = "a {".repeat(100_000);
        ImageDefectException e = assertThrows(ImageDefectException.class, () -> ConfigParser.parse(deep, "f"));
        assertEquals("metadata-syntax", e.code());
    }
}
