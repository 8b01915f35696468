/**
 * A VHD and its parents read as one {@link org.smapimigrate.disk.VirtualDisk}
 * ({@link org.smapimigrate.chain.VhdChain}), with parent lookup left to the storage layout
 * ({@link org.smapimigrate.chain.ParentResolver}: a directory for file SRs, LV names for LVHD).
 */
package org.smapimigrate.chain;
