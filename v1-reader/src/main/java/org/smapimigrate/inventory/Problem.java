package org.smapimigrate.inventory;

/**
 * Something wrong or noteworthy found in an SR: a stable kebab-case {@code code}
 * ({@code missing-parent}, {@code leftover-journal-leaf}, ...), the file or LV it is about, and a
 * message a person can act on.
 */
public record Problem(Severity severity, String code, String path, String message) {
}
