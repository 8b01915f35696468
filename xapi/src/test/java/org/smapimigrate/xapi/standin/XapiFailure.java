package org.smapimigrate.xapi.standin;

import java.util.List;

/** An API error the stand-in answers: a code from xen-api's api_errors and its parameters. */
final class XapiFailure extends RuntimeException {
    final String code;
    final List<String> params;

    XapiFailure(String code, String... params) {
        super(code + " " + List.of(params));
        this.code = code;
        this.params = List.of(params);
    }
}
