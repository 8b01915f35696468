/**
 * Live (warm) migration: the disk keeps changing while it is copied. Pass 0 copies a frozen state
 * of the running disk; each later pass freezes again and copies only what changed between the two
 * frozen states; the switch-over stops the writer, copies the last delta from the quiet disk,
 * verifies the whole target and starts again. Everything a source must do for this (freeze,
 * changed ranges, release, stop, start) is one interface, {@link
 * org.smapimigrate.live.SourceController}, with a local implementation (a file SR on this machine,
 * snapshotting as SM does) and a XAPI one; the passes never look inside either.
 */
package org.smapimigrate.live;
