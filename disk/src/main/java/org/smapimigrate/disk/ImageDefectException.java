package org.smapimigrate.disk;

import java.io.IOException;

/**
 * Bad input found in an image or storage layout: names the file, where in it (byte offset or
 * field), what is wrong, and a short stable code ({@code missing-parent}, {@code truncated}, ...)
 * that scripts and tests match on. The CLI prints {@link #getMessage()} as its one error line.
 */
public class ImageDefectException extends IOException {
    private final String code;
    private final String file;
    private final long offset;

    /**
     * @param code   stable kebab-case defect code
     * @param file   the file or volume the defect is in
     * @param offset byte offset of the defect, or -1 when it is not a place in the file
     * @param detail what is wrong and, where possible, what to do
     */
    public ImageDefectException(String code, String file, long offset, String detail) {
        super(format(code, file, offset, detail));
        this.code = code;
        this.file = file;
        this.offset = offset;
    }

    public ImageDefectException(String code, String file, long offset, String detail, Throwable cause) {
        this(code, file, offset, detail);
        initCause(cause);
    }

    private static String format(String code, String file, long offset, String detail) {
        StringBuilder b = new StringBuilder();
        b.append(file);
        if (offset >= 0) {
            b.append(" @").append(offset);
        }
        b.append(": ").append(detail).append(" [").append(code).append(']');
        return b.toString();
    }

    public String code() {
        return code;
    }

    public String file() {
        return file;
    }

    /** Byte offset of the defect, or -1. */
    public long offset() {
        return offset;
    }
}
