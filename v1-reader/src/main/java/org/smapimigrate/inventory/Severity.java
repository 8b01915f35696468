package org.smapimigrate.inventory;

/** How much a problem matters to a migration. */
public enum Severity {
    /** Worth knowing; nothing to do (a hidden leaf waiting for GC). */
    INFO,
    /** Readable, but an admin should look (a leftover journal, a bad batmap checksum). */
    WARNING,
    /** This VDI cannot be read exactly (missing parent, no valid footer). */
    ERROR;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
