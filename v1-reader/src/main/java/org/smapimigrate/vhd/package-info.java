/**
 * The VHD format as blktap writes and reads it (doc smapiv1-layout part C): one small immutable
 * class per on-disk structure ({@link org.smapimigrate.vhd.VhdFooter},
 * {@link org.smapimigrate.vhd.DynamicHeader}, {@link org.smapimigrate.vhd.BlockAllocationTable},
 * {@link org.smapimigrate.vhd.SectorBitmap}, {@link org.smapimigrate.vhd.Batmap},
 * {@link org.smapimigrate.vhd.ParentLocator}), {@link org.smapimigrate.vhd.VhdImage} to open one
 * image from any container, and {@link org.smapimigrate.vhd.VhdWriter} to make test images.
 */
package org.smapimigrate.vhd;
