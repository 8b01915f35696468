package org.smapimigrate.inventory;

/**
 * Debris of an interrupted SM operation: {@code OLD_<uuid>.vhd}, {@code <uuid>.vhd.new}, GC
 * journals, resize journals, journal LVs. Never a VDI to migrate, always reported.
 *
 * @param path     file or LV
 * @param kind     {@code snapshot-temp}, {@code old-leaf-coalesce}, {@code journal-coalesce},
 *                 {@code journal-leaf}, {@code journal-relink}, {@code resize-journal},
 *                 {@code hardlink-twin}, {@code journal-clone}, {@code journal-inflate}, ...
 * @param vdiUuid  the VDI it belongs to, when known
 * @param content  journal value, when it is a journal
 * @param readable for image leftovers: whether its chain reads; null for journals
 */
public record Leftover(String path, String kind, String vdiUuid, String content, Boolean readable) {
}
