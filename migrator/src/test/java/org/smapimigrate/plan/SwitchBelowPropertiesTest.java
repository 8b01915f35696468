package org.smapimigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The one grammar of {@code --switch-below}: what {@link SwitchBelow#text} prints parses back to the
 * same value, and a size written in any unit means what the unit says (a model: value times
 * 1024 to the unit's power).
 */
class SwitchBelowPropertiesTest {
    @Provide
    Arbitrary<SwitchBelow> values() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, Long.MAX_VALUE / 2).map(SwitchBelow::ofBytes),
                // whole multiples of the units, so the larger units are printed too
                Arbitraries.longs().between(0, 1L << 20).flatMap(v -> Arbitraries.integers().between(0, 4)
                        .map(u -> SwitchBelow.ofBytes(v << (10 * u)))),
                Arbitraries.doubles().between(0, 1e9).map(SwitchBelow::ofSeconds),
                Arbitraries.doubles().between(0, 10).ofScale(3).map(SwitchBelow::ofSeconds));
    }

    @Property(tries = 500)
    void whatItPrintsItParsesBack(@ForAll("values") SwitchBelow b) {
        assertEquals(b, SwitchBelow.parse(b.text()), b.text());
    }

    @Property(tries = 300)
    void aSizeMeansItsUnit(@ForAll("sizes") long v, @ForAll("units") int unit, @ForAll("suffixes") String suffix) {
        String u = unit == 0 ? "" : String.valueOf("KMGT".charAt(unit - 1));
        String text = v + u + (unit == 0 ? "" : suffix);
        assertEquals(SwitchBelow.ofBytes(v << (10 * unit)), SwitchBelow.parse(text), text);
        assertEquals(SwitchBelow.ofBytes(v << (10 * unit)), SwitchBelow.parse(text.toLowerCase()), text);
    }

    @Provide
    Arbitrary<Long> sizes() {
        return Arbitraries.longs().between(0, 1L << 20);
    }

    @Provide
    Arbitrary<Integer> units() {
        return Arbitraries.integers().between(0, 4);
    }

    @Provide
    Arbitrary<String> suffixes() {
        return Arbitraries.of("", "B", "iB", "IB");
    }
}
