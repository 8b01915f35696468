package org.smapimigrate.inventory;

import java.util.List;

/**
 * Something wrong or noteworthy found in an SR: a stable kebab-case {@code code}
 * ({@code missing-parent}, {@code interrupted-leaf-coalesce}, ...), the file or LV it is about,
 * and a message a person can act on. One problem per cause: an interrupted SM operation is one
 * problem whatever it left behind (its journal, an {@code OLD_} image, an un-hidden parent), the
 * other files named in {@code related}, with one piece of advice in {@code action}; scan, plan and
 * the reports show that same wording.
 *
 * @param action  what to do about it, or null when the message says all
 * @param related the other files or LVs of the same cause (never null)
 */
public record Problem(Severity severity, String code, String path, String message, String action,
                      List<String> related) {
    public Problem {
        related = related == null ? List.of() : List.copyOf(related);
    }

    public Problem(Severity severity, String code, String path, String message) {
        this(severity, code, path, message, null, List.of());
    }

    /** True when this problem is about {@code file}: its own path or one of the related ones. */
    public boolean covers(String file) {
        return file != null && (file.equals(path) || related.contains(file));
    }
}
