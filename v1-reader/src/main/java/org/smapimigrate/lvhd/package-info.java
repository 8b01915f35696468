/**
 * The SMAPIv1 LVHD SR layout (docs/smapiv1-layout.md parts B, D, E) on top of
 * {@link org.smapimigrate.lvm}: {@link org.smapimigrate.lvhd.LvhdSr} opens an SR from its PVs,
 * reads VHD and raw VDIs with their chains, the {@code MGT} names
 * ({@link org.smapimigrate.lvhd.SrMetadataVolume}), journals and leftovers.
 */
package org.smapimigrate.lvhd;
