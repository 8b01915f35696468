package org.smapimigrate.vm.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smapimigrate.disk.VirtualDisk;
import org.smapimigrate.verify.DigestComparison;
import org.smapimigrate.verify.DiskDigest;
import org.smapimigrate.xapi.OneLine;
import org.smapimigrate.xapi.TaskProgress;
import org.smapimigrate.xapi.XapiException;
import org.smapimigrate.xapi.XapiOperations;
import org.smapimigrate.xapi.XapiRecords;
import org.smapimigrate.xapi.XapiSession;
import org.smapimigrate.xapi.XapiTasks;
import org.smapimigrate.xapi.records.NewVdi;
import org.smapimigrate.xapi.records.Sm;
import org.smapimigrate.xapi.records.Sr;
import org.smapimigrate.xapi.records.Vdi;
import org.smapimigrate.xapi.records.XapiClass;
import org.smapimigrate.xapi.transfer.DiskFormat;
import org.smapimigrate.xapi.transfer.VdiTransfer;
import org.smapimigrate.xapi.transport.BodySource;

/**
 * Remote mode (issue 12 part 4): a VM's disks reach the target SR through XAPI's HTTP disk
 * handlers, with no shell on any host (xapi-integration.md section 3, "Creating a VDI through
 * XAPI, and moving bytes over HTTP"; smapiv3-interface.md section 4: "VDI.create on the SR, then
 * PUT /import_raw_vdi" is the simplest supported path into a SMAPIv3 SR).
 *
 * <p>Per {@link DiskChain} (a disk and its snapshots, oldest first) one working VDI is made with
 * {@code VDI.create} on the target and each layer in turn is:
 * <ol>
 * <li>exported from the source with {@code GET /export_raw_vdi?format=vhd} into a local spool
 *     file: holes are not sent, so cost grows with allocated bytes; the file gives the import its
 *     Content-Length (XAPI refuses HTTP chunking) and is read with our VHD reader for the content
 *     digest (verify's per-2 MiB SHA-256);</li>
 * <li>imported into the working VDI with {@code PUT /import_raw_vdi?format=vhd}: the whole spool
 *     for the first layer, then only the blocks that differ from the previous layer
 *     ({@link DeltaVhd});</li>
 * <li>for a snapshot, {@code VDI.snapshot} of the working VDI: on a SMAPIv3 SR this is a real
 *     {@code Volume.snapshot} whose keys (is_a_snapshot, snapshot_of, snapshot_time) survive every
 *     SR.scan (section 4, "SXM v3 design": XAPI's own plan for this problem). The copy of the
 *     disk itself is the working VDI after the last layer;</li>
 * <li>verified by exporting the copy back (format=vhd) and comparing content digests.</li>
 * </ol>
 *
 * <p>What is carried: content, name_label, name_description (VDI.create and set_name_*, which go
 * to the volume on SMAPIv3 and so survive scans), type, virtual size, and the snapshot relation
 * (is_a_snapshot, snapshot_of the copy of the disk). Not carried: the original snapshot_time —
 * a new snapshot gets the time it was taken and its setter is LOCAL_ROOT_ONLY and undone by the
 * next scan (section 3, "Metadata setters") — and tags/other_config, which are the caller's.
 * Snapshots whose disk is not moved, whose size or type differs from the disk's, or whose target
 * SR lacks VDI_SNAPSHOT are copied as plain VDIs (said through {@link TransportEvents#note}).
 *
 * <p>Disks above 2040 GiB, where XAPI refuses format=vhd, go as raw instead: every byte of the
 * virtual size is sent (holes become holes again in the local spool, {@link SparseFileOutput}),
 * and each layer is imported whole.
 *
 * <p>Restarts: neither handler can resume a transfer part way (an import is one PUT with one
 * Content-Length, an export a stream from the start), so the unit of restart is one layer of one
 * VDI. Every step is journalled first in the state directory ({@link TransportJournal}); each
 * VDI made here carries {@code other_config} {@code smapi-migrate.source-vdi} (the source it
 * copies) and, until it is verified, {@code smapi-migrate.incomplete}. After a kill a working VDI
 * whose uuid was never recorded is found by those keys and destroyed; an interrupted layer is
 * imported again (re-applying a delta gives the same content) and verified; a snapshot taken but
 * not recorded is found among the working VDI's snapshots by its keys.
 *
 * <p>Errors are one line naming the source VDI, the handler or call and XAPI's code or the HTTP
 * status; the session reference never appears in them, in notes or in files.
 */
public final class XapiDiskTransport implements DiskTransport {
    static final String SOURCE_KEY = "smapi-migrate.source-vdi";
    static final String INCOMPLETE_KEY = "smapi-migrate.incomplete";

    private final XapiSession session;
    private final String targetSrUuid;
    /** Above this virtual size XAPI refuses format=vhd (VDI_TOO_LARGE); a parameter for tests only. */
    private final long vhdLimit;
    private final XapiTasks tasks;
    private final XapiRecords records;
    private final XapiOperations operations;
    private final VdiTransfer transfer;
    /** Source VDI uuid to the whole-disk digest (verify's, hex) its verified copy holds, from the last move. */
    private final Map<String, String> digests = new LinkedHashMap<>();

    /**
     * @param session      a logged-in session on the pool master (its transport reaches the HTTP handlers)
     * @param targetSrUuid the uuid of the SMAPIv3 SR the copies are made on
     */
    public XapiDiskTransport(XapiSession session, String targetSrUuid) {
        this(session, targetSrUuid, DiskFormat.MAX_VHD_SIZE);
    }

    XapiDiskTransport(XapiSession session, String targetSrUuid, long vhdLimit) {
        this.session = session;
        this.targetSrUuid = targetSrUuid;
        this.vhdLimit = vhdLimit;
        this.tasks = new XapiTasks(session);
        this.records = new XapiRecords(session);
        this.operations = new XapiOperations(session, tasks);
        this.transfer = new VdiTransfer(session, tasks);
    }

    /** The whole-disk digest (hex, verify's sha256-of-2MiB-block-sha256s) of each verified copy by source VDI uuid, once {@link #move} ran. */
    @Override
    public Map<String, String> digests() {
        return Map.copyOf(digests);
    }

    @Override
    public Map<String, String> move(List<DiskToMove> disks, Path stateDir, TransportEvents events) throws IOException {
        TransportJournal journal = new TransportJournal(stateDir);
        for (DiskToMove d : disks) {
            TransportJournal.checkedUuid(d.sourceVdiUuid());
        }
        String sr;
        boolean canSnapshot;
        try {
            sr = records.refOf(XapiClass.SR, targetSrUuid);
            canSnapshot = canSnapshot(records.get(XapiClass.SR, sr));
        } catch (IOException e) {
            throw failure("target SR " + targetSrUuid, e);
        }
        Map<String, String> copies = new LinkedHashMap<>();
        for (DiskChain chain : DiskChain.of(disks, canSnapshot, line -> events.note(redact(line)))) {
            new ChainRun(chain, sr, journal, events).run(copies);
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (DiskToMove d : disks) {
            ordered.put(d.sourceVdiUuid(), copies.get(d.sourceVdiUuid()));
        }
        return ordered;
    }

    /** VDI.snapshot on the target needs the SR's driver to advertise VDI_SNAPSHOT (SM.capabilities). */
    private boolean canSnapshot(Sr sr) throws IOException {
        for (Sm sm : records.all(XapiClass.SM).values()) {
            if (sm.type().equals(sr.type())) {
                return sm.capabilities().contains("VDI_SNAPSHOT");
            }
        }
        return false;
    }

    /** One chain's run: resumes from its journal. */
    private final class ChainRun {
        private final DiskChain chain;
        private final String sr;
        private final TransportJournal journal;
        private final TransportEvents events;
        private final String head;
        private final ChainState state;
        /**
         * VHD (holes not sent) unless the disk is above XAPI's 2040 GiB VHD limit; then raw, where
         * every byte of the virtual size crosses the network (cost grows with the virtual size)
         * and each layer is imported whole, since a raw import overwrites every byte.
         */
        private final DiskFormat format;

        ChainRun(DiskChain chain, String sr, TransportJournal journal, TransportEvents events) throws IOException {
            this.chain = chain;
            this.sr = sr;
            this.journal = journal;
            this.events = events;
            this.head = chain.head().sourceVdiUuid();
            this.state = journal.load(head);
            this.format = chain.head().virtualSize() > vhdLimit ? DiskFormat.RAW : DiskFormat.VHD;
        }

        void run(Map<String, String> copies) throws IOException {
            String working = workingVdi();
            DiskDigest previous = null;
            for (int i = 0; i < chain.layers().size(); i++) {
                DiskToMove layer = chain.layers().get(i);
                String src = layer.sourceVdiUuid();
                ChainState.Layer ls = state.layer(src);
                try {
                    if (ls.phase == ChainState.Phase.DONE && exists(ls.copy)) {
                        copies.put(src, ls.copy);
                        DiskDigest done = journal.loadDigest(src);
                        if (done != null) {
                            digests.put(src, done.whole());
                        }
                        previous = null; // loaded lazily below when the next layer needs it
                        continue;
                    }
                    if (ls.phase == ChainState.Phase.DONE) {
                        throw new IOException("its copy " + ls.copy + " was recorded as done but is gone from XAPI;"
                                + " the state directory no longer matches the pool");
                    }
                    if (previous == null && i > 0) {
                        previous = journal.loadDigest(chain.layers().get(i - 1).sourceVdiUuid());
                    }
                    DiskDigest digest;
                    if (ls.phase == ChainState.Phase.PENDING) {
                        digest = importLayer(layer, i, working, previous);
                        ls.phase = ChainState.Phase.IMPORTED;
                        journal.save(head, state);
                    } else {
                        digest = journal.loadDigest(src);
                    }
                    if (digest == null) {
                        throw new IOException("the digest of this layer is missing from the state directory");
                    }
                    String copy = chain.isLast(i) ? working : snapshot(layer, working);
                    verify(layer, copy, digest);
                    ls.phase = ChainState.Phase.DONE;
                    ls.copy = copy;
                    journal.save(head, state);
                    copies.put(src, copy);
                    digests.put(src, digest.whole());
                    previous = digest;
                } catch (IOException e) {
                    throw failure("VDI " + src + " (" + OneLine.quoted(layer.nameLabel(), 60) + ")", e);
                }
            }
        }

        /** The working VDI: recorded, or made now (after destroying one a killed run made but never recorded). */
        private String workingVdi() throws IOException {
            DiskToMove first = chain.first();
            try {
                if (state.working != null) {
                    if (exists(state.working)) {
                        return state.working;
                    }
                    boolean anyDone = state.layers.values().stream().anyMatch(l -> l.phase != ChainState.Phase.PENDING);
                    if (anyDone) {
                        throw new IOException("the working VDI " + state.working
                                + " is gone from XAPI; the state directory no longer matches the pool");
                    }
                }
                if (state.creating) {
                    destroyUnrecorded(first.sourceVdiUuid());
                }
                state.creating = true;
                journal.save(head, state);
                Map<String, String> oc = Map.of(SOURCE_KEY, first.sourceVdiUuid(), INCOMPLETE_KEY, "importing");
                NewVdi spec = new NewVdi(first.nameLabel(), nullToEmpty(first.nameDescription()), sr,
                        chain.head().virtualSize(), chain.head().type() == null ? "user" : chain.head().type(), false,
                        false, oc, Map.of(), Map.of(), List.of());
                String ref = operations.vdiCreate(spec, TaskProgress.NONE);
                state.working = session.callForString("VDI.get_uuid", ref);
                state.creating = false;
                state.layers.clear();
                journal.save(head, state);
                events.note("VDI " + first.sourceVdiUuid() + ": created VDI " + state.working + " on the target SR");
                return state.working;
            } catch (IOException e) {
                throw failure("VDI " + first.sourceVdiUuid() + " (" + OneLine.quoted(first.nameLabel(), 60)
                        + "): VDI.create", e);
            }
        }

        /**
         * A VDI.create whose answer was lost to a kill left a VDI no journal names: it is on the
         * target SR, not a snapshot, marked incomplete and made for this chain's first layer.
         */
        private void destroyUnrecorded(String firstSource) throws IOException {
            for (String ref : records.get(XapiClass.SR, sr).vdis()) {
                Vdi v = records.get(XapiClass.VDI, ref);
                if (!v.isASnapshot() && firstSource.equals(v.otherConfig().get(SOURCE_KEY))
                        && v.otherConfig().containsKey(INCOMPLETE_KEY) && !v.uuid().equals(state.working)) {
                    events.note("VDI " + firstSource + ": destroying VDI " + v.uuid()
                            + ", left half-made by an interrupted run");
                    tasks.run("VDI.destroy", TaskProgress.NONE, ref);
                }
            }
        }

        /** Exports the layer, imports it (whole or as a delta) into the working VDI; returns its content digest. */
        private DiskDigest importLayer(DiskToMove layer, int i, String working, DiskDigest previous) throws IOException {
            String src = layer.sourceVdiUuid();
            String ref = ref(working);
            Map<String, String> marked = Map.of(SOURCE_KEY, chain.head().sourceVdiUuid(), INCOMPLETE_KEY, "importing");
            if (i > 0 || !marked.equals(records.get(XapiClass.VDI, ref).otherConfig())) {
                operations.vdiSetOtherConfig(ref, marked);
            }
            Path spool = journal.spool("source", src);
            Path delta = journal.spool("delta", src);
            try {
                long sent = exportTo(src, spool, src);
                DiskDigest digest = digestOf(spool, "export of VDI " + src, layer.virtualSize());
                journal.saveDigest(src, digest);
                Path body = spool;
                if (previous != null && format == DiskFormat.VHD) {
                    try (VirtualDisk disk = SpooledVhd.open(spool, "export of VDI " + src, layer.virtualSize())) {
                        long blocks = DeltaVhd.write(disk, previous, digest, delta);
                        events.note("VDI " + src + ": " + blocks + " blocks of 2 MiB differ from the previous snapshot");
                    }
                    body = delta;
                }
                long length = Files.size(body);
                events.note("VDI " + src + ": exported " + sent + " bytes as " + format.wireName() + "; importing "
                        + length + " bytes into VDI " + working);
                Path upload = body;
                transfer.importInto(working, format, new BodySource() {
                    @Override
                    public long length() {
                        return length;
                    }

                    @Override
                    public InputStream open() throws IOException {
                        return Files.newInputStream(upload);
                    }
                }, (done, total) -> events.progress(src, done, total));
                return digest;
            } finally {
                Files.deleteIfExists(spool);
                Files.deleteIfExists(delta);
            }
        }

        /**
         * Snapshots the working VDI, which now holds this layer, under the layer's name; after a kill
         * the snapshot already taken is found among the working VDI's snapshots by its keys.
         */
        private String snapshot(DiskToMove layer, String working) throws IOException {
            String src = layer.sourceVdiUuid();
            ChainState.Layer ls = state.layer(src);
            String ref = ref(working);
            if (ls.phase == ChainState.Phase.SNAPSHOT_MADE && ls.copy != null && exists(ls.copy)) {
                return ls.copy;
            }
            Map<String, String> oc = Map.of(SOURCE_KEY, src, INCOMPLETE_KEY, "unverified");
            if (ls.phase == ChainState.Phase.SNAPSHOTTING || ls.phase == ChainState.Phase.SNAPSHOT_MADE) {
                for (String s : records.get(XapiClass.VDI, ref).snapshots()) {
                    Vdi v = records.get(XapiClass.VDI, s);
                    if (oc.equals(v.otherConfig())) {
                        ls.phase = ChainState.Phase.SNAPSHOT_MADE;
                        ls.copy = v.uuid();
                        journal.save(head, state);
                        return v.uuid();
                    }
                }
            }
            ls.phase = ChainState.Phase.SNAPSHOTTING;
            journal.save(head, state);
            Vdi w = records.get(XapiClass.VDI, ref);
            // VDI.snapshot copies name, description and other_config (section 4): set them first.
            if (!w.nameLabel().equals(layer.nameLabel())) {
                session.call("VDI.set_name_label", ref, layer.nameLabel());
            }
            if (!w.nameDescription().equals(nullToEmpty(layer.nameDescription()))) {
                session.call("VDI.set_name_description", ref, nullToEmpty(layer.nameDescription()));
            }
            operations.vdiSetOtherConfig(ref, oc);
            String snap = tasks.run("VDI.snapshot", TaskProgress.NONE, ref);
            ls.phase = ChainState.Phase.SNAPSHOT_MADE;
            ls.copy = session.callForString("VDI.get_uuid", snap);
            journal.save(head, state);
            events.note("VDI " + src + ": snapshot " + ls.copy + " of VDI " + working + " taken");
            return ls.copy;
        }

        /** Exports the copy back and compares content digests; a mismatch sends the layer back to be imported. */
        private void verify(DiskToMove layer, String copy, DiskDigest expected) throws IOException {
            String src = layer.sourceVdiUuid();
            Path back = journal.spool("verify", copy);
            DiskDigest actual;
            try {
                exportTo(copy, back, src);
                actual = digestOf(back, "export of VDI " + copy, layer.virtualSize());
            } finally {
                Files.deleteIfExists(back);
            }
            DigestComparison c = expected.compare(actual);
            String ref = ref(copy);
            if (!c.matches()) {
                ChainState.Layer ls = state.layer(src);
                if (!chain.isLast(chain.layers().indexOf(layer))) {
                    tasks.run("VDI.destroy", TaskProgress.NONE, ref);
                    ls.copy = null;
                }
                ls.phase = ChainState.Phase.PENDING;
                journal.save(head, state);
                throw new IOException("VDI " + copy + " read back differs from the source: " + c.describe()
                        + "; run again to import this layer again");
            }
            DiskToMove headDisk = chain.head();
            if (copy.equals(state.working)) {
                Vdi w = records.get(XapiClass.VDI, ref);
                if (!w.nameLabel().equals(headDisk.nameLabel())) {
                    session.call("VDI.set_name_label", ref, headDisk.nameLabel());
                }
                if (!w.nameDescription().equals(nullToEmpty(headDisk.nameDescription()))) {
                    session.call("VDI.set_name_description", ref, nullToEmpty(headDisk.nameDescription()));
                }
            }
            operations.vdiSetOtherConfig(ref, Map.of(SOURCE_KEY, src));
            events.note("VDI " + src + ": copy " + copy + " verified (" + actual + ")");
        }

        /** Exports {@code vdi} in the chain's format into {@code file}; progress is reported for the source VDI {@code src}. */
        private long exportTo(String vdi, Path file, String src) throws IOException {
            if (format == DiskFormat.RAW) {
                long size = chain.head().virtualSize();
                try (OutputStream out = new SparseFileOutput(file)) {
                    return transfer.export(vdi, DiskFormat.RAW, null, out, size,
                            (done, total) -> events.progress(src, done, total));
                }
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                return transfer.export(vdi, DiskFormat.VHD, null, out, -1,
                        (done, total) -> events.progress(src, done, total));
            }
        }

        private DiskDigest digestOf(Path spool, String what, long virtualSize) throws IOException {
            if (format == DiskFormat.VHD) {
                return SpooledVhd.digest(spool, what, virtualSize);
            }
            try (VirtualDisk disk = org.smapimigrate.disk.RawFileDisk.open(spool, virtualSize)) {
                return new org.smapimigrate.verify.DiskHasher().digest(disk);
            }
        }
    }

    private String ref(String uuid) throws IOException {
        return records.refOf(XapiClass.VDI, uuid);
    }

    private boolean exists(String uuid) throws IOException {
        if (uuid == null) {
            return false;
        }
        try {
            records.refOf(XapiClass.VDI, uuid);
            return true;
        } catch (XapiException e) {
            if (e.is("UUID_INVALID") || e.is(XapiException.HANDLE_INVALID)) {
                return false;
            }
            throw e;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** One line: what failed and why, without the session reference or password. */
    private IOException failure(String what, IOException cause) {
        if (cause instanceof RemoteTransportException) {
            return cause;
        }
        String m = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new RemoteTransportException(redact("remote transport, " + what + ": " + m), cause);
    }

    private String redact(String text) {
        String t = session.credentials().redact(text);
        String ref = session.sessionRef();
        if (ref != null && !ref.isEmpty()) {
            t = t.replace(ref, "<session>");
        }
        return t.replaceAll("session_id=[^&\\s]*", "session_id=<redacted>").replaceAll("[\\r\\n]+", " ");
    }
}
