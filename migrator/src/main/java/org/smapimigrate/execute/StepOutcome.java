package org.smapimigrate.execute;

/**
 * What one step produced, as its journal line records it ({@link JournalEntry}); null where it
 * does not apply.
 */
record StepOutcome(String volumeKey, String volumeUuid, Long bytesRead, Long bytesWritten, Long zeroBytes,
                   String digest, String manifest) {

    /** A step that worked on (or made, with {@code uuid}) the volume {@code key}. */
    static StepOutcome on(String key, String uuid) {
        return new StepOutcome(key, uuid, null, null, null, null, null);
    }

    static StepOutcome copied(String key, long read, long written, long zeros) {
        return new StepOutcome(key, null, read, written, zeros, null, null);
    }

    static StepOutcome verified(String key, String digest, String manifest) {
        return new StepOutcome(key, null, null, null, null, digest, manifest);
    }
}
