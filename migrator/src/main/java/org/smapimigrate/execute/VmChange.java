package org.smapimigrate.execute;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What a VM-level journal line records (the journal of a VM plan; org.smapimigrate.vm writes and
 * reads them). Everything is by uuid: refs are per-session and die with a xapi restart
 * (xapi-integration.md section 1, "Records").
 *
 * @param vm                the VM (or snapshot VM) uuid
 * @param userdevice        the VBD's userdevice
 * @param oldVbd            the whole VBD record before it was replaced (section 3 "Safe repoint", step 5)
 * @param newVdi            the uuid of the VDI the VBD is made to point at
 * @param newVbd            the uuid of the VBD created
 * @param blockedOperations the VM's blocked_operations before this run blocked it
 * @param vdis              source VDI uuid to new VDI uuid (after the disks moved)
 * @param sourceVdi         the source VDI a registration line is about
 * @param digests           source VDI uuid to the verified whole-disk digest of its copy, where known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VmChange(String vm, String userdevice, SavedVbd oldVbd, String newVdi, String newVbd,
                       Map<String, String> blockedOperations, Map<String, String> vdis, String sourceVdi,
                       Map<String, String> digests) {

    /** A VBD as VBD.create needs it again (section 3 "VBD.create"), its VDI by uuid. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SavedVbd(String uuid, String vdi, String userdevice, boolean bootable, String mode, String type,
                           boolean empty, boolean unpluggable, Map<String, String> otherConfig,
                           String qosAlgorithmType, Map<String, String> qosAlgorithmParams) {
    }
}
