package org.smapimigrate.datapath;

import java.io.IOException;

/** The datapath offered no implementation this tool can write to or read from in dom0. */
public class NoUsableImplementationException extends IOException {
    public NoUsableImplementationException(String message) {
        super(message);
    }
}
