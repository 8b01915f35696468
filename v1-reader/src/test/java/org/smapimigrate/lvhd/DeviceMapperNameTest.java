package org.smapimigrate.lvhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Device-mapper node names as LVHD locators hold them (smapiv1-layout part B). */
class DeviceMapperNameTest {

    @Example
    void theCorpusLocatorNamesDecode() {
        assertEquals("VHD-12e9978e-9cc0-423b-9dc5-5ff20ac50018", DeviceMapperName.lvName(
                "./VG_XenStorage--97830bca--45b7--4a4c--96d4--5326e30dc0ff-VHD--12e9978e--9cc0--423b--9dc5--5ff20ac50018"));
        assertEquals("LV-a77ada93-46ce-4783-92da-fe374b7e03f7", DeviceMapperName.lvName(
                "VG_XenStorage--97830bca--45b7--4a4c--96d4--5326e30dc0ff-LV--a77ada93--46ce--4783--92da--fe374b7e03f7"));
        assertEquals("VHD-x", DeviceMapperName.lvName("/dev/mapper/VG_XenStorage--s-VHD--x"));
        // Old blktap wrote non-persistent dm-NN names: read like blktap, they name an LV "12" that
        // LVHD never has, and the prt_uuid fallback takes over.
        assertEquals("12", DeviceMapperName.lvName("./dm-12"));
        assertNull(DeviceMapperName.lvName("./nodash"));
    }

    @Provide
    Arbitrary<String> lvmNames() {
        // lvm names: [a-zA-Z0-9+_.-], not starting with '-'.
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                .withChars("+_.-").ofMinLength(1).ofMaxLength(40).filter(s -> !s.startsWith("-"));
    }

    @Property(tries = 500)
    void aNodeNameDecodesToItsLv(@ForAll("lvmNames") String vg, @ForAll("lvmNames") String lv) {
        assertEquals(lv, DeviceMapperName.lvName("./" + DeviceMapperName.of(vg, lv)));
    }
}
