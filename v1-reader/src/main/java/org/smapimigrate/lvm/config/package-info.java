/** LVM's config syntax (libdm {@code libdm-config.c}), the grammar of its metadata text. */
package org.smapimigrate.lvm.config;
