package org.smapimigrate.xapi.transfer;

/** Told the bytes moved so far and the total (-1 when unknown), about once per MiB. */
@FunctionalInterface
public interface TransferProgress {
    TransferProgress NONE = (done, total) -> { };

    void update(long done, long total);
}
