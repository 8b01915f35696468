package org.smapimigrate.live;

/**
 * One pass of a live run as the report shows it.
 *
 * @param number      0 for the whole frozen disk, then 1, 2, ...; the switch-over's delta is the last
 * @param last        true for the switch-over's delta, copied from the quiet disk
 * @param changed     bytes the source said may have changed (pass 0: the whole disk)
 * @param ranges      how many changed ranges (pass 0: 1)
 * @param granularity the granularity of the changed ranges in bytes (512: VHD sector bitmaps; 65536: CBT)
 * @param written     bytes written to the target, zeros included
 * @param read        bytes read from the source
 * @param seconds     the whole pass, freeze and release included
 * @param copySeconds the copy alone
 */
public record LivePass(int number, boolean last, long changed, int ranges, int granularity, long written, long read,
                       double seconds, double copySeconds) {

    /** Copy rate in bytes per second of this pass (what was written over the copy's time). */
    public double rate() {
        return copySeconds <= 0 ? 0 : written / copySeconds;
    }

    static LivePass of(PassEvent e) {
        return new LivePass(e.pass(), e.isFinal(), nz(e.changed()), e.ranges() == null ? 0 : e.ranges(),
                e.granularity() == null ? 0 : e.granularity(), nz(e.written()), nz(e.read()),
                e.seconds() == null ? 0 : e.seconds(), e.copySeconds() == null ? 0 : e.copySeconds());
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }
}
