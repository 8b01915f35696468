package org.smapimigrate.disk;

import java.io.Closeable;
import java.io.IOException;

/** Closing several resources at once, the way try-with-resources would. */
public final class Closing {
    private Closing() {
    }

    /**
     * Closes every one, even after a failure; throws the first failure with the later ones
     * suppressed in it.
     */
    public static void closeAll(Iterable<? extends Closeable> resources) throws IOException {
        IOException first = null;
        for (Closeable c : resources) {
            try {
                c.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
