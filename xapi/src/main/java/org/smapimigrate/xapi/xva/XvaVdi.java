package org.smapimigrate.xapi.xva;

/**
 * One disk whose data an XVA carries.
 *
 * @param ref         the export id, {@code Ref:<N>}: the tar directory of its chunks
 * @param uuid        the source VDI's uuid when ova.xml gives a well-formed one, else null
 * @param name        name_label (untrusted text: escape before showing)
 * @param description name_description (untrusted text)
 * @param virtualSize bytes, from {@code snapshot.virtual_size}
 * @param userdevice  the VBD's device number (0 is usually the boot disk), or null when no VBD names it
 * @param type        the VDI type ({@code user}, {@code system}, {@code suspend}, ...)
 */
public record XvaVdi(String ref, String uuid, String name, String description, long virtualSize, String userdevice,
                     String type) {
}
