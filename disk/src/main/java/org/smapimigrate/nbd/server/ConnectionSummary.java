package org.smapimigrate.nbd.server;

/**
 * One connection's life, for a log line.
 *
 * @param peer       who connected (address and port, or "unix")
 * @param export     the export it read, or "" if it never reached transmission
 * @param tls        true once STARTTLS succeeded
 * @param requests   transmission requests served
 * @param bytesRead  READ payload bytes answered (holes included)
 * @param nanos      connection lifetime
 * @param ending     how it ended, e.g. "NBD_CMD_DISC", "NBD_OPT_ABORT", "client closed", or the error
 * @param clean      false when the server dropped the connection for a protocol error or failure
 */
public record ConnectionSummary(String peer, String export, boolean tls, long requests, long bytesRead, long nanos,
        String ending, boolean clean) {

    /** One line: {@code 127.0.0.1:40122 export=UUID tls requests=12 read=3.0 MiB 0.12 s: NBD_CMD_DISC}. */
    public String describe() {
        return String.format("%s export=%s%s requests=%d read=%d bytes %.2f s: %s", peer,
                export.isEmpty() ? "-" : printable(export), tls ? " tls" : "", requests, bytesRead, nanos / 1e9,
                printable(ending));
    }

    /** Export names and errors can hold what a client sent: no control characters reach a terminal. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
