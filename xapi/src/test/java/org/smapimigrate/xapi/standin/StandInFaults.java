package org.smapimigrate.xapi.standin;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Faults to inject into the stand-in, each firing once on the Nth call of a method counted from
 * when it was added ({@code Async.} calls count as their method):
 * <ul>
 * <li>{@link #failOnCall}: answer an API error instead of running the call;</li>
 * <li>{@link #dropOnCall}: close the connection without an answer, before running the call or
 *     after it (the answer is lost but the change is made);</li>
 * <li>{@link #expireSessionOnCall}: the caller's session is destroyed just before the call, as a
 *     xapi restart or the session cap would (the call then answers SESSION_INVALID).</li>
 * <li>{@link #dropTransfer}: the Nth request to an HTTP disk handler ({@code export_raw_vdi},
 *     {@code import_raw_vdi}) moves {@code afterBytes} bytes and then loses its connection, as a
 *     network failure or a killed client would; what was imported so far stays in the VDI.</li>
 * </ul>
 */
public final class StandInFaults {
    enum Kind { ERROR, DROP_BEFORE, DROP_AFTER, EXPIRE_SESSION, DROP_TRANSFER }

    static final class Rule {
        final String method;
        final int nth;
        final Kind kind;
        final String code;
        final String[] params;
        long afterBytes;
        int seen;

        Rule(String method, int nth, Kind kind, String code, String[] params) {
            if (nth < 1) {
                throw new IllegalArgumentException("calls are counted from 1");
            }
            this.method = method;
            this.nth = nth;
            this.kind = kind;
            this.code = code;
            this.params = params;
        }
    }

    private final List<Rule> rules = new ArrayList<>();

    public synchronized StandInFaults failOnCall(String method, int nth, String code, String... params) {
        rules.add(new Rule(method, nth, Kind.ERROR, code, params));
        return this;
    }

    public synchronized StandInFaults dropOnCall(String method, int nth, boolean afterApplying) {
        rules.add(new Rule(method, nth, afterApplying ? Kind.DROP_AFTER : Kind.DROP_BEFORE, null, null));
        return this;
    }

    public synchronized StandInFaults expireSessionOnCall(String method, int nth) {
        rules.add(new Rule(method, nth, Kind.EXPIRE_SESSION, null, null));
        return this;
    }

    /** The {@code nth} request to {@code handler} ("export_raw_vdi" or "import_raw_vdi") breaks off after {@code afterBytes}. */
    public synchronized StandInFaults dropTransfer(String handler, int nth, long afterBytes) {
        Rule r = new Rule(handler, nth, Kind.DROP_TRANSFER, null, null);
        r.afterBytes = afterBytes;
        rules.add(r);
        return this;
    }

    public synchronized void clear() {
        rules.clear();
    }

    /** Counts a call of {@code method} and returns the rule that fires on it, if any (removed: one shot). */
    synchronized Rule onCall(String method) {
        Rule fired = null;
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule r = it.next();
            if (r.method.equals(method) && ++r.seen == r.nth && fired == null) {
                fired = r;
                it.remove();
            }
        }
        return fired;
    }
}
