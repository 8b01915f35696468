package org.smapimigrate.xapi.wire;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * XAPI datetimes. XAPI writes {@code YYYYMMDDTHH:MM:SSZ} (xen-api clock/date.ml); the Java SDK
 * accepts variants with and without colons, dashes, milliseconds and the Z (xapi-integration.md
 * section 1, "Value encoding"), so this parses them all, as UTC.
 */
public final class XapiDateTime {
    public static final Instant EPOCH = Instant.EPOCH;
    private static final DateTimeFormatter OUT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern FORM = Pattern.compile(
            "(\\d{4})-?(\\d{2})-?(\\d{2})T(\\d{2}):?(\\d{2}):?(\\d{2})(\\.\\d{1,9})?(Z|[+-]00:?00)?");

    private XapiDateTime() {
    }

    /** Parses a XAPI datetime; throws {@link IllegalArgumentException} naming the text when it is none. */
    public static Instant parse(String s) {
        Matcher m = FORM.matcher(s == null ? "" : s.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a XAPI datetime: \"" + s + "\" (expected YYYYMMDDTHH:MM:SSZ)");
        }
        try {
            LocalDateTime t = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    Integer.parseInt(m.group(6)));
            Instant i = t.toInstant(ZoneOffset.UTC);
            if (m.group(7) != null) {
                String frac = (m.group(7).substring(1) + "000000000").substring(0, 9);
                i = i.plusNanos(Long.parseLong(frac));
            }
            return i;
        } catch (java.time.DateTimeException | NumberFormatException e) {
            throw new IllegalArgumentException("not a XAPI datetime: \"" + s + "\" (" + e.getMessage() + ")");
        }
    }

    /** The form XAPI writes. */
    public static String format(Instant i) {
        return OUT.format(i);
    }

}
