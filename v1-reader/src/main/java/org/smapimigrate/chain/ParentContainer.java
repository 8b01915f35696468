package org.smapimigrate.chain;

import org.smapimigrate.disk.VirtualDisk;

/**
 * What a {@link ParentResolver} found.
 *
 * @param container the parent's bytes (a file or an LV), read-only
 * @param name      how messages name the parent (its path or LV name)
 * @param key       identifies the parent for cycle detection: the same image always gets the
 *                  same key (a real path, an inode, an LV name)
 */
public record ParentContainer(VirtualDisk container, String name, String key) {
}
