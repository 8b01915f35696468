package org.smapimigrate.plan;

/**
 * What XAPI records about a VDI being a snapshot, as an LVHD SR keeps it in its MGT volume
 * (smapiv1-layout.md part D: {@code is_a_snapshot}, {@code snapshot_of}, {@code snapshot_time}).
 * File SRs keep these only in the XAPI database, so for them the planner gets none.
 *
 * @param isASnapshot  the VDI is a snapshot
 * @param snapshotOf   source uuid of the VDI it is a snapshot of, or null
 * @param snapshotTime XAPI's form, e.g. {@code 20260312T08:30:00Z}, or null
 */
public record SnapshotInfo(boolean isASnapshot, String snapshotOf, String snapshotTime) {
}
