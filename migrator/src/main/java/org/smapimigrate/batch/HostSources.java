package org.smapimigrate.batch;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.smapimigrate.inventory.StorageRepository;
import org.smapimigrate.vm.HostRoot;

/**
 * The job sources as this host sees them: a job names an SR (or XVA file) by its path on a host,
 * {@code /var/run/sr-mount/UUID}; with {@code --host-root DIR} that path is looked up under DIR
 * (the vm code's {@link HostRoot}: absolute, no {@code ..}), so one job file serves every host and
 * each host takes only what it can see. Opened read-only, once per run, closed with this.
 */
public final class HostSources implements Closeable {
    /** Opens a source path read-only (the command line's SR, PV or XVA detection). */
    public interface Opener {
        StorageRepository open(Path path) throws IOException;
    }

    private final HostRoot root;
    private final Opener opener;
    private final Map<String, StorageRepository> open = new LinkedHashMap<>();

    /** @param root null: paths are this machine's own */
    public HostSources(Path root, Opener opener) {
        this.root = root == null ? null : HostRoot.of(root);
        this.opener = opener;
    }

    /** Where the source the job names as {@code sr} is on this host. */
    public Path where(String sr) {
        return root == null ? Path.of(sr) : root.resolve(sr);
    }

    /** Whether this host sees the source at all (another host of the pool may). */
    public boolean visible(String sr) {
        return Files.exists(where(sr));
    }

    /** The source, opened on first use and kept for the run. */
    public synchronized StorageRepository open(String sr) throws IOException {
        StorageRepository r = open.get(sr);
        if (r == null) {
            r = opener.open(where(sr));
            open.put(sr, r);
        }
        return r;
    }

    @Override
    public synchronized void close() throws IOException {
        IOException first = null;
        for (StorageRepository r : open.values()) {
            try {
                r.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
