package org.smapimigrate.inventory;

/**
 * The advice that goes with a cause found in an SR, written once so that {@code scan},
 * {@code plan} and the HTML and Markdown reports say the same thing.
 */
public final class Advice {
    /** An interrupted operation SM undoes or finishes itself when the SR is next attached. */
    public static final String LET_SM_RECOVER = "Preferably let SM recover first: attach the SR on an XCP-ng host "
            + "(plug its PBD) and let its garbage collector finish (watch /var/log/SMlog), then scan and plan "
            + "again. Migrated now, the chains are copied exactly as they are on disk.";

    /** A coalesce or relink stopped part way: the chains still read as the VM saw them. */
    public static final String SAFE_AS_IS = "Safe to migrate as is: the chains still read correctly (a child's "
            + "blocks override its parent's); SM's garbage collector redoes the work the next time the SR is "
            + "attached.";

    /** Nothing SM wrote: look at it by hand. */
    public static final String LOOK_ON_HOST = "Look at it on the host before migrating: it was not written by SM "
            + "as it is now (edited by hand, or damaged).";

    /** A resize that must be replayed or reverted before the VDI is trusted. */
    public static final String REPLAY_RESIZE = "Replay or revert the resize on the host (attach the SR and let SM "
            + "recover, or 'vhd-util revert') before migrating that VDI.";

    private Advice() {
    }
}
