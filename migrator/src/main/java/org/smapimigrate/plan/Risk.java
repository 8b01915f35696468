package org.smapimigrate.plan;

import org.smapimigrate.inventory.Severity;

/**
 * Something that can go wrong or surprise, and what to do about it.
 *
 * @param severity INFO (worth knowing), WARNING (look before running), ERROR (part of the
 *                 selection will not be migrated, or the run cannot succeed as planned)
 * @param code     stable kebab-case code
 * @param subject  the VDI uuid, file or LV it is about, or null for the whole plan
 * @param message  what is the matter
 * @param action   what to do about it
 */
public record Risk(Severity severity, String code, String subject, String message, String action) {
}
