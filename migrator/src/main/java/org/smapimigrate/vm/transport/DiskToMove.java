package org.smapimigrate.vm.transport;

/**
 * One VDI of a VM (or of one of its snapshot VMs) to be moved by a {@link DiskTransport}.
 *
 * @param snapshotOfSourceUuid the source VDI uuid this one is a snapshot of, or null
 * @param snapshotTime XAPI datetime ({@code YYYYMMDDTHH:MM:SSZ}, xapi-integration.md §1), or null
 */
public record DiskToMove(String sourceVdiUuid, String nameLabel, String nameDescription, long virtualSize, String type,
                         boolean isASnapshot, String snapshotOfSourceUuid /* null if none */, String snapshotTime) {
}
