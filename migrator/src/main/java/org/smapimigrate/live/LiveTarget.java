package org.smapimigrate.live;

import java.io.Closeable;
import java.io.IOException;
import org.smapimigrate.disk.DiskSink;
import org.smapimigrate.disk.VirtualDisk;

/**
 * The one volume every pass of a live run writes into ({@link TargetVolume}: a SMAPIv3 volume
 * through its plugin and datapath). Opened again by a resumed run from the key its journal holds.
 */
public interface LiveTarget extends Closeable {

    /** The key the pass journal records, to open the same volume after a kill. */
    String key();

    String describe();

    /** A new sink on the volume; {@code fresh}: nothing was ever written to it (holes may be skipped). */
    DiskSink openSink(boolean fresh) throws IOException;

    /** The volume read back, for the verification. */
    VirtualDisk openReader() throws IOException;

    /** Marks it complete and verified, once the switch-over's verification passed. */
    void markComplete(String disk, String digest) throws IOException;

    /** Destroys it (an abort). */
    void destroy() throws IOException;
}
