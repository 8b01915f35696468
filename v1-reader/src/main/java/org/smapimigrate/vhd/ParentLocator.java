package org.smapimigrate.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One of the eight 24-byte parent locator entries of the dynamic header, with the path it
 * decodes to ({@code vhd_parent_locator_read}). Immutable.
 *
 * @param slot       index 0..7 in the header
 * @param code       raw platform code
 * @param dataSpace  raw data_space: sectors per the spec, bytes as blktap writes it
 * @param dataLength bytes of path data
 * @param dataOffset byte offset of the path data in the image
 * @param path       the decoded path with {@code file://}, {@code C:} and backslashes undone; null
 *                   when it could not be decoded (see {@code problem})
 * @param problem    why the locator is unusable, or null
 */
public record ParentLocator(int slot, int code, long dataSpace, long dataLength, long dataOffset,
                            String path, String problem) {

    /** Size of one locator entry in the dynamic header. */
    public static final int ENTRY_SIZE = 24;
    public static final String MACX_PREFIX = "file://";

    public PlatformCode platform() {
        return PlatformCode.of(code);
    }

    /** True when {@link #path()} can be tried. */
    public boolean usable() {
        return path != null;
    }

    /** "MacX:file://./x.vhd" style label for messages. */
    public String describe() {
        PlatformCode p = platform();
        String name = p == null ? String.format("0x%08x", code) : p.label();
        return name + ":" + (path != null ? path : "(" + problem + ")");
    }

    /**
     * Reserved space in bytes ({@code vhd_parent_locator_size}): blktap writes bytes
     * ("MICROSOFT_COMPAT"), the spec says sectors. A value below 512 is sectors, a multiple of 512
     * is bytes, anything else is invalid (-1).
     */
    public static long spaceBytes(long dataSpace) {
        if (dataSpace < VhdFormat.SECTOR_SIZE) {
            return dataSpace * VhdFormat.SECTOR_SIZE;
        }
        if (dataSpace % VhdFormat.SECTOR_SIZE == 0) {
            return dataSpace;
        }
        return -1;
    }

    /** Reads the raw entry fields at {@code entry}'s position; the path is decoded later. */
    static ParentLocator entry(int slot, ByteBuffer header, int at) {
        int code = header.getInt(at);
        long space = Integer.toUnsignedLong(header.getInt(at + 4));
        long len = Integer.toUnsignedLong(header.getInt(at + 8));
        long off = header.getLong(at + 16);
        return new ParentLocator(slot, code, space, len, off, null, null);
    }

    ParentLocator withPath(String decoded) {
        return new ParentLocator(slot, code, dataSpace, dataLength, dataOffset, decoded, null);
    }

    ParentLocator withProblem(String why) {
        return new ParentLocator(slot, code, dataSpace, dataLength, dataOffset, null, why);
    }

    /**
     * Decodes locator data as blktap does: MacX is UTF-8 and must start with {@code file://};
     * W2ku/W2ru are UTF-16LE; Wi2r/Wi2k are ANSI. Backslashes become slashes and a {@code C:}
     * prefix is dropped. The text stops at the first NUL. Returns null for undecodable data.
     */
    static String decode(PlatformCode platform, byte[] data) {
        String s;
        switch (platform) {
            case MACX -> {
                s = strict(StandardCharsets.UTF_8, data);
                if (s == null) {
                    return null;
                }
                s = cutAtNul(s);
                if (!s.startsWith(MACX_PREFIX)) {
                    return null;
                }
                return s.substring(MACX_PREFIX.length());
            }
            case W2KU, W2RU -> s = strict(StandardCharsets.UTF_16LE, data);
            case WI2R, WI2K -> s = strict(StandardCharsets.ISO_8859_1, data);
            default -> {
                return null;
            }
        }
        if (s == null) {
            return null;
        }
        s = cutAtNul(s).replace('\\', '/');
        if (s.startsWith("C:") || s.startsWith("c:")) {
            s = s.substring(2);
        }
        return s;
    }

    private static String strict(Charset cs, byte[] data) {
        CharsetDecoder d = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return d.decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String cutAtNul(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }
}
