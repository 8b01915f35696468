/**
 * File-based SMAPIv1 SRs (doc smapiv1-layout part A): the directory inventory
 * ({@link org.smapimigrate.filesr.FileSr}) and parent locators confined to the SR directory
 * ({@link org.smapimigrate.filesr.DirectoryParentResolver}).
 */
package org.smapimigrate.filesr;
