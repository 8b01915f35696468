package org.smapimigrate.batch;

/**
 * Where one volume of a job stands. {@code digest} is set when done; {@code reason} when failed or
 * skipped; {@code attempts} counts the runs of this volume that were started.
 */
public record VolumeState(String sr, String vdi, Status status, String digest, String reason, int attempts) {
    public enum Status { PENDING, RUNNING, DONE, FAILED, SKIPPED }

    static VolumeState pending(String sr, String vdi) {
        return new VolumeState(sr, vdi, Status.PENDING, null, null, 0);
    }

    VolumeState with(Status s, String digest, String reason, int attempts) {
        return new VolumeState(sr, vdi, s, digest, reason, attempts);
    }
}
