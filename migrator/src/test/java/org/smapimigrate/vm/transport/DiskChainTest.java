package org.smapimigrate.vm.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How disks are grouped into chains: which snapshots ride with their disk and which are copied alone, and why. */
class DiskChainTest {
    static final String D = "00000000-0000-0000-0000-00000000000d";
    static final String S1 = "00000000-0000-0000-0000-0000000000a1";
    static final String S2 = "00000000-0000-0000-0000-0000000000a2";
    static final String E = "00000000-0000-0000-0000-00000000000e";

    static DiskToMove disk(String uuid, long size) {
        return new DiskToMove(uuid, "d", "", size, "user", false, null, null);
    }

    static DiskToMove snap(String uuid, String of, long size, String time) {
        return new DiskToMove(uuid, "s", "", size, "user", true, of, time);
    }

    @Test
    void snapshotsGoOldestFirstBeforeTheirDisk() {
        List<String> notes = new ArrayList<>();
        List<DiskChain> chains = DiskChain.of(List.of(snap(S2, D, 10, "20260201T10:00:00Z"), disk(D, 10),
                snap(S1, D, 10, "20260101T10:00:00Z"), disk(E, 5)), true, notes::add);
        assertEquals(2, chains.size());
        assertEquals(List.of(S1, S2, D), chains.get(0).layers().stream().map(DiskToMove::sourceVdiUuid).toList());
        assertEquals(List.of(E), chains.get(1).layers().stream().map(DiskToMove::sourceVdiUuid).toList());
        assertEquals(List.of(), notes);
    }

    @Test
    void snapshotsThatCannotRideAreCopiedAloneAndSaidSo() {
        List<String> notes = new ArrayList<>();
        List<DiskChain> chains = DiskChain.of(List.of(disk(D, 10), snap(S1, D, 8, "20260101T10:00:00Z"),
                snap(S2, E, 10, "20260101T10:00:00Z")), true, notes::add);
        assertEquals(3, chains.size());
        chains.forEach(c -> assertEquals(1, c.layers().size()));
        assertEquals(2, notes.size());
        assertTrue(notes.get(0).contains(S1) && notes.get(0).contains("size differs"), notes.get(0));
        assertTrue(notes.get(1).contains(S2) && notes.get(1).contains("is not moved"), notes.get(1));

        notes.clear();
        assertEquals(2, DiskChain.of(List.of(disk(D, 10), snap(S1, D, 10, "t")), false, notes::add).size());
        assertTrue(notes.get(0).contains("VDI_SNAPSHOT"), notes.get(0));
    }

    @Test
    void aDiskListedTwiceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DiskChain.of(List.of(disk(D, 1), disk(D, 1)), true, n -> { }));
    }
}
