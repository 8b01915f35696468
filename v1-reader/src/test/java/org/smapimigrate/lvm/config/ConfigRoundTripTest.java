package org.smapimigrate.lvm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.smapimigrate.disk.ImageDefectException;

/**
 * Random config trees, rendered as text with random layout (whitespace, comments, quoting,
 * escapes, optional commas), parse back to the same tree. The renderer is written from the
 * grammar in lvm2-ondisk.md §6, independently of the parser.
 */
class ConfigRoundTripTest {

    @Property(tries = 400)
    void renderedTreesParseBackUnchanged(@ForAll("roots") ConfigSection root, @ForAll long layoutSeed)
            throws ImageDefectException {
        String text = new Renderer(new Random(layoutSeed)).render(root);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(root, ConfigParser.parse(bytes, "generated", i -> i), text);
    }

    @Provide
    Arbitrary<ConfigSection> roots() {
        return items(3).map(items -> new ConfigSection("", items));
    }

    private Arbitrary<List<ConfigNode>> items(int depth) {
        Arbitrary<ConfigNode> setting = Combinators.combine(names(), values()).as(ConfigSetting::new);
        Arbitrary<ConfigNode> item = depth == 0 ? setting
                : Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, setting),
                        net.jqwik.api.Tuple.of(1, Arbitraries.lazy(() -> section(depth - 1))));
        return item.list().ofMaxSize(5);
    }

    private Arbitrary<ConfigNode> section(int depth) {
        return Combinators.combine(names(), items(depth)).as(ConfigSection::new);
    }

    private Arbitrary<String> names() {
        Arbitrary<String> bare = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').withChars("_-.+[],:/").ofMinLength(1).ofMaxLength(12)
                .filter(s -> "[],\"'".indexOf(s.charAt(0)) < 0);
        return Arbitraries.oneOf(bare, bare, text());
    }

    private Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange('\u0001', '\u00ff').withChars("\"\\#{}[]=,' \n\t€日")
                .ofMaxLength(16);
    }

    private Arbitrary<ConfigValue> scalars() {
        Arbitrary<ConfigValue> ints = Arbitraries.longs().map(ConfigValue.Int::new);
        Arbitrary<ConfigValue> reals = Arbitraries.doubles().filter(Double::isFinite).map(ConfigValue.Real::new);
        Arbitrary<ConfigValue> strs = text().map(ConfigValue.Str::new);
        return Arbitraries.oneOf(ints, reals, strs, strs);
    }

    private Arbitrary<ConfigValue> values() {
        Arbitrary<ConfigValue> lists = scalars().list().ofMaxSize(5).map(ConfigValue.ListValue::new);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, scalars()), net.jqwik.api.Tuple.of(1, lists));
    }

    /** Writes a tree as LVM config text, choosing a random but valid layout. */
    private static final class Renderer {
        private final Random r;
        private final StringBuilder out = new StringBuilder();

        Renderer(Random r) {
            this.r = r;
        }

        String render(ConfigSection root) {
            for (ConfigNode n : root.items()) {
                item(n);
                separator();
            }
            return out.toString();
        }

        private void item(ConfigNode n) {
            name(n.name());
            gap();
            if (n instanceof ConfigSection s) {
                out.append('{');
                separator();
                for (ConfigNode c : s.items()) {
                    item(c);
                    separator();
                }
                out.append('}');
            } else {
                out.append('=');
                gap();
                value(((ConfigSetting) n).value());
            }
        }

        private void value(ConfigValue v) {
            if (v instanceof ConfigValue.ListValue list) {
                out.append('[');
                gap();
                for (int i = 0; i < list.items().size(); i++) {
                    if (i > 0) {
                        if (r.nextBoolean()) {
                            gap();
                            out.append(',');
                            gap();
                        } else {
                            separator();
                        }
                    }
                    scalar(list.items().get(i));
                }
                if (!list.items().isEmpty() && r.nextInt(4) == 0) {
                    out.append(',');
                }
                gap();
                out.append(']');
            } else {
                scalar(v);
            }
        }

        private void scalar(ConfigValue v) {
            if (v instanceof ConfigValue.Int i) {
                out.append(i.value() >= 0 && r.nextInt(4) == 0 ? "+" : "").append(i.value());
            } else if (v instanceof ConfigValue.Real d) {
                String plain = new BigDecimal(Double.toString(d.value())).toPlainString();
                out.append(plain.contains(".") ? plain : plain + ".0");
            } else {
                String s = ((ConfigValue.Str) v).value();
                if (s.matches("[A-Za-z_][A-Za-z0-9_]*") && r.nextBoolean()) {
                    out.append(s);
                } else {
                    quoted(s);
                }
            }
        }

        private void name(String s) {
            boolean bare = !s.isEmpty() && "[],\"'".indexOf(s.charAt(0)) < 0
                    && s.chars().noneMatch(c -> Character.isWhitespace(c) || "#={}\u000b\f".indexOf(c) >= 0);
            if (bare && r.nextInt(4) > 0) {
                out.append(s);
            } else {
                quoted(s);
            }
        }

        private void quoted(String s) {
            if (s.indexOf('\'') < 0 && r.nextInt(3) == 0) {
                out.append('\'').append(s).append('\'');
                return;
            }
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                char next = i + 1 < s.length() ? s.charAt(i + 1) : '"';
                // A lone backslash before anything but '"' or '\' survives unescaped (libdm).
                if (c == '\\' && next != '"' && next != '\\' && r.nextBoolean()) {
                    out.append('\\').append(next);
                    i++;
                } else if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        }

        /** Optional whitespace where a token boundary is already certain. */
        private void gap() {
            switch (r.nextInt(4)) {
                case 0 -> out.append(' ');
                case 1 -> out.append("\n\t");
                default -> {
                }
            }
        }

        /** At least one blank, sometimes a comment, between items. */
        private void separator() {
            switch (r.nextInt(5)) {
                case 0 -> out.append(" # comment with \"quote\" { [ = #\n");
                case 1 -> out.append("\n");
                case 2 -> out.append("\t \r\n  ");
                default -> out.append(' ');
            }
        }
    }
}
