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
        return b.append(']').toString();
    }
}
