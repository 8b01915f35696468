package org.smapimigrate.live;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import org.smapimigrate.disk.VirtualDisk;

/**
 * What a live migration needs from the source of a running disk, and nothing more: make
 * point-in-time states of it while it runs, say which bytes may differ between two states, read a
 * state, delete the temporary snapshots, and stop and start the writer for the switch-over. The
 * passes ({@code LivePasses}) are written once against this interface (as qemu's mirror job is
 * written against block status), with two implementations:
 * <ul>
 *   <li>the local controller: a file SR on this machine, snapshotting as SM's
 *       {@code FileVDI._snapshot} does (smapiv1-layout.md A, "Snapshot/clone"), stop and start
 *       through hook commands;</li>
 *   <li>the XAPI controller: {@code VDI.snapshot}, {@code VDI.list_changed_blocks} (CBT),
 *       reading over NBD, {@code VDI.destroy}, {@code VM.clean_shutdown}/{@code VM.start}
 *       (xapi-integration.md section 4).</li>
 * </ul>
 *
 * <p>The life of one disk: {@code freeze} (pass 0), then {@code freeze} again and
 * {@code changedBetween(previous, new)} for each later pass, {@code release} of every temporary
 * state once the pass after it has copied (the newer state is the base of the next delta), then
 * {@code stop}, {@code quiet}, {@code changedBetween(last, quiet)}, and {@code start}.
 *
 * <p>Crash safety. The caller journals every {@link FrozenState} as soon as this interface
 * returns it, and may call {@link #open} and {@link #release} on it from another process after a
 * kill. A freeze interrupted by a kill must leave the source usable (the writer running on a
 * consistent disk); {@link #recover} finishes or undoes it and returns what it found, so that a
 * resumed or aborted run can release the states nobody journaled.
 *
 * <p>Implementations need not be thread-safe: one live run drives one controller from one thread.
 */
public interface SourceController extends Closeable {

    /** A name for messages and the report: {@code local file SR /srv/sr}, {@code XAPI pool at host}. */
    String describe();

    /**
     * Snapshots the running disk now: from this instant on, the returned state no longer changes
     * while the writer carries on. The temporary snapshot stays until {@link #release}.
     *
     * @param disk the disk (VDI uuid)
     * @throws IOException when the source refuses (chain too long, disk not found, writer did not
     *                     answer); the source is then left as it was
     */
    FrozenState freeze(String disk) throws IOException;

    /**
     * The disk itself, once {@link #stop} returned: the final state the target must equal. Nothing
     * to release (releasing it is a no-op).
     */
    FrozenState quiet(String disk) throws IOException;

    /**
     * Reads {@code state}: its whole virtual disk (the chain flattened), extents included, so that
     * holes stay holes on the target. The caller closes it; it stays readable until the state is
     * released (the quiet state: until {@link #start}).
     */
    VirtualDisk open(FrozenState state) throws IOException;

    /**
     * The byte ranges that may differ between {@code older} and {@code newer} of the same disk:
     * never fewer than truly changed; exactly the written sectors where the source can say so (the
     * sector bitmaps of the VHD layers that appeared between the two, for the local controller),
     * else whole blocks (64 KiB CBT blocks for XAPI). Ranges beyond {@code older}'s size (a disk
     * that grew) are included. {@code older} must not have been released yet.
     */
    ChangedRanges changedBetween(FrozenState older, FrozenState newer) throws IOException;

    /**
     * Deletes the temporary snapshot behind {@code state}. Idempotent: a state already released (or
     * a quiet one) is left alone without error, so that an abort after a kill may release
     * everything the journal names.
     */
    void release(FrozenState state) throws IOException;

    /**
     * Stops the writer for the switch-over, as {@code policy} says (clean, waited for at most its
     * timeout; forced only if it allows). Returns when the disk is quiet.
     *
     * @throws IOException when the writer did not stop: the switch-over is abandoned and the
     *                     source must still be running (or be started again by {@link #start})
     */
    PowerEvent stop(StopPolicy policy) throws IOException;

    /**
     * Starts the writer again: on the disks it was stopped on (the old ones, after a failed
     * switch-over), or on what the caller repointed it to. Returns once started. Idempotent: a
     * writer already running is left alone (a run killed between the start and its journal line
     * asks again).
     */
    PowerEvent start() throws IOException;

    /**
     * Puts right a {@link #freeze} of {@code disk} that a kill interrupted (finishing or undoing
     * it, as SM's own journals do), and returns every temporary state of {@code disk} this
     * controller's runs made that still exists, journaled or not, so that the caller can release
     * those its journal does not need. Safe to call when nothing was interrupted.
     */
    List<FrozenState> recover(String disk) throws IOException;

    @Override
    void close() throws IOException;
}
