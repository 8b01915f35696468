package org.smapimigrate.xapi;

import java.io.IOException;
import java.util.List;

/**
 * An error XAPI answered: its code and parameters (shared/docs/xapi-integration.md section 1,
 * "Responses" and "Error codes that matter"). The message is one line: the method, the code and
 * the parameters quoted, so a person can act on it and a script can match on {@link #code()}.
 */
public final class XapiException extends IOException {
    public static final String SESSION_INVALID = "SESSION_INVALID";
    public static final String HOST_IS_SLAVE = "HOST_IS_SLAVE";
    public static final String HANDLE_INVALID = "HANDLE_INVALID";
    public static final String SESSION_AUTHENTICATION_FAILED = "SESSION_AUTHENTICATION_FAILED";
    public static final String MESSAGE_METHOD_UNKNOWN = "MESSAGE_METHOD_UNKNOWN";
    public static final String OTHER_OPERATION_IN_PROGRESS = "OTHER_OPERATION_IN_PROGRESS";
    public static final String VDI_IN_USE = "VDI_IN_USE";
    public static final String VM_BAD_POWER_STATE = "VM_BAD_POWER_STATE";
    public static final String OPERATION_NOT_ALLOWED = "OPERATION_NOT_ALLOWED";
    public static final String OPERATION_BLOCKED = "OPERATION_BLOCKED";
    public static final String VDI_NO_CBT_METADATA = "VDI_NO_CBT_METADATA";
    public static final String VDI_CBT_ENABLED = "VDI_CBT_ENABLED";
    public static final String VDI_INCOMPATIBLE_TYPE = "VDI_INCOMPATIBLE_TYPE";
    public static final String SR_OPERATION_NOT_SUPPORTED = "SR_OPERATION_NOT_SUPPORTED";
    /** SMAPIv1 fault 459: the CBT log is inconsistent. */
    public static final String CBT_METADATA_INCONSISTENT = "SR_BACKEND_FAILURE_459";
    /** SMAPIv1 fault 460: "Source and target VDI are unrelated" (not one CBT chain). */
    public static final String CBT_UNRELATED = "SR_BACKEND_FAILURE_460";
    /** SMAPIv1 fault 109: the snapshot chain is at its depth limit (30). */
    public static final String SNAPSHOT_CHAIN_TOO_LONG = "SR_BACKEND_FAILURE_109";

    private final String method;
    private final String code;
    private final List<String> params;

    public XapiException(String method, String code, List<String> params) {
        super(format(method, code, params));
        this.method = method;
        this.code = code;
        this.params = List.copyOf(params);
    }

    /** The XAPI method that failed, e.g. {@code VBD.create}. */
    public String method() {
        return method;
    }

    /** The error code, e.g. {@code VM_BAD_POWER_STATE}. */
    public String code() {
        return code;
    }

    public List<String> params() {
        return params;
    }

    public boolean is(String errorCode) {
        return code.equals(errorCode);
    }

    private static String format(String method, String code, List<String> params) {
        StringBuilder b = new StringBuilder();
        b.append(method).append(": XAPI error ").append(OneLine.of(code, 100)).append(" [");
        for (int i = 0; i < params.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(OneLine.quoted(params.get(i), 300));
        }
        b.append(']');
        String hint = hint(code);
        return hint == null ? b.toString() : b.append("; ").append(hint).toString();
    }

    /** What to do about the codes of xapi-integration.md sections 1 and 4 that a live migration meets. */
    private static String hint(String code) {
        if (code == null) {
            return null;
        }
        return switch (code) {
            case VDI_IN_USE -> "an active VBD holds the VDI (possibly in dom0: xapi-nbd, a backup tool); wait for it"
                    + " to be released, or find it with xe vbd-list vdi-uuid=... currently-attached=true";
            case VM_BAD_POWER_STATE -> "the VM is not in the power state this step needs (params: vm, expected,"
                    + " actual); check it with xe vm-list and run again";
            case CBT_UNRELATED -> "the two VDIs are not in one changed-block-tracking chain (CBT was disabled and"
                    + " enabled again between them, or they are different disks); start the live migration again";
            case CBT_METADATA_INCONSISTENT -> "the changed-block log is inconsistent; disable and enable CBT on the"
                    + " VDI and start the live migration again";
            case VDI_CBT_ENABLED -> "XAPI refuses this on a VDI with changed block tracking on; disable CBT first";
            case SNAPSHOT_CHAIN_TOO_LONG -> "the VDI's snapshot chain is at its limit of 30; delete old snapshots"
                    + " (and let the SR coalesce) before migrating live";
            default -> null;
        };
    }
}
