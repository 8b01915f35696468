package org.smapimigrate.lvm.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.smapimigrate.disk.ImageDefectException;

/**
 * Parses LVM's config syntax (libdm {@code libdm-config.c}; lvm2-ondisk.md §6) into a
 * {@link ConfigSection} tree:
 *
 * <pre>
 * file  = { item } ;
 * item  = name ( "{" { item } "}" | "=" value ) ;
 * name  = identifier | "double-quoted" | 'single-quoted' ;
 * value = scalar | "[" [ scalar { [","] scalar } ] "]" ;
 * </pre>
 *
 * {@code #} starts a comment to the end of the line outside strings. Double-quoted strings know
 * only the escapes {@code \"} and {@code \\}; any other backslash stays. The text ends at a NUL
 * or at the end of the bytes. Every error is an {@link ImageDefectException} with code
 * {@code metadata-syntax}, the line and column, and the byte offset in the source file.
 */
public final class ConfigParser {
    /** lvm's own metadata nests four deep; anything near this is hostile. */
    public static final int MAX_DEPTH = 64;

    private enum Kind { SECTION_BEGIN, SECTION_END, LIST_BEGIN, LIST_END, COMMA, EQ, STRING, INT, REAL, WORD, EOF }

    private record Token(Kind kind, int start, int end, String text) {
    }

    private final byte[] src;
    private final int limit;
    private final String file;
    private final LongUnaryOperator fileOffset;
    private int pos;
    private Token tok;

    private ConfigParser(byte[] src, String file, LongUnaryOperator fileOffset) {
        this.src = src;
        int end = 0;
        while (end < src.length && src[end] != 0) {
            end++;
        }
        this.limit = end;
        this.file = file;
        this.fileOffset = fileOffset;
    }

    /**
     * Parses {@code text}.
     *
     * @param file       the file named in errors
     * @param fileOffset maps a text index to the byte offset of the file named in errors
     */
    public static ConfigSection parse(byte[] text, String file, LongUnaryOperator fileOffset)
            throws ImageDefectException {
        ConfigParser p = new ConfigParser(text, file, fileOffset);
        p.advance(false);
        List<ConfigNode> items = new ArrayList<>();
        while (p.tok.kind != Kind.EOF) {
            items.add(p.item(1));
        }
        return new ConfigSection("", items);
    }

    /** Parses text that is a file of its own: error offsets are text offsets. */
    public static ConfigSection parse(String text, String file) throws ImageDefectException {
        return parse(text.getBytes(StandardCharsets.UTF_8), file, LongUnaryOperator.identity());
    }

    private ConfigNode item(int depth) throws ImageDefectException {
        if (tok.kind != Kind.WORD && tok.kind != Kind.STRING) {
            throw error(tok.start, "expected a name, found " + describe(tok));
        }
        String name = tok.text;
        advance(false);
        if (tok.kind == Kind.SECTION_BEGIN) {
            if (depth > MAX_DEPTH) {
                throw error(tok.start, "sections nested more than " + MAX_DEPTH + " deep");
            }
            int open = tok.start;
            advance(false);
            List<ConfigNode> items = new ArrayList<>();
            while (tok.kind != Kind.SECTION_END) {
                if (tok.kind == Kind.EOF) {
                    throw error(open, "section '" + name + "' is never closed");
                }
                items.add(item(depth + 1));
            }
            advance(false);
            return new ConfigSection(name, items);
        }
        if (tok.kind != Kind.EQ) {
            throw error(tok.start, "expected '{' or '=' after '" + name + "', found " + describe(tok));
        }
        advance(true);
        ConfigValue value;
        if (tok.kind == Kind.LIST_BEGIN) {
            int open = tok.start;
            advance(true);
            List<ConfigValue> items = new ArrayList<>();
            while (tok.kind != Kind.LIST_END) {
                if (tok.kind == Kind.EOF) {
                    throw error(open, "list of '" + name + "' is never closed");
                }
                items.add(scalar());
                advance(true);
                if (tok.kind == Kind.COMMA) {
                    advance(true);
                }
            }
            value = new ConfigValue.ListValue(items);
        } else {
            value = scalar();
        }
        advance(false);
        return new ConfigSetting(name, value);
    }

    private ConfigValue scalar() throws ImageDefectException {
        switch (tok.kind) {
            case INT:
                return new ConfigValue.Int(parseInt(tok));
            case REAL:
                try {
                    return new ConfigValue.Real(Double.parseDouble(tok.text));
                } catch (NumberFormatException e) {
                    throw error(tok.start, "'" + tok.text + "' is not a number");
                }
            case STRING:
            case WORD:
                return new ConfigValue.Str(tok.text);
            default:
                throw error(tok.start, "expected a value, found " + describe(tok));
        }
    }

    /** {@code strtoll(text, 0)} restricted to what the tokenizer lets through: decimal or octal. */
    private long parseInt(Token t) throws ImageDefectException {
        String s = t.text;
        int i = (s.startsWith("+") || s.startsWith("-")) ? 1 : 0;
        String digits = s.substring(i);
        if (digits.isEmpty()) {
            throw error(t.start, "'" + s + "' is not a number");
        }
        int radix = digits.length() > 1 && digits.charAt(0) == '0' ? 8 : 10;
        try {
            return Long.parseLong((i == 1 && s.charAt(0) == '-' ? "-" : "") + digits, radix);
        } catch (NumberFormatException e) {
            throw error(t.start, "'" + s + "' is not a 64-bit " + (radix == 8 ? "octal " : "") + "integer");
        }
    }

    private void advance(boolean valuesAllowed) throws ImageDefectException {
        tok = next(valuesAllowed);
    }

    private Token next(boolean valuesAllowed) throws ImageDefectException {
        skipBlanksAndComments();
        if (pos >= limit) {
            return new Token(Kind.EOF, pos, pos, "");
        }
        int start = pos;
        byte c = src[pos];
        switch (c) {
            case '{':
                pos++;
                return new Token(Kind.SECTION_BEGIN, start, pos, "{");
            case '}':
                pos++;
                return new Token(Kind.SECTION_END, start, pos, "}");
            case '[':
                pos++;
                return new Token(Kind.LIST_BEGIN, start, pos, "[");
            case ']':
                pos++;
                return new Token(Kind.LIST_END, start, pos, "]");
            case ',':
                pos++;
                return new Token(Kind.COMMA, start, pos, ",");
            case '=':
                pos++;
                return new Token(Kind.EQ, start, pos, "=");
            case '"':
                return doubleQuoted();
            case '\'':
                return singleQuoted();
            default:
                break;
        }
        if (valuesAllowed && (isDigit(c) || c == '.' || c == '+' || c == '-')) {
            Kind kind = c == '.' ? Kind.REAL : Kind.INT;
            pos++;
            while (pos < limit) {
                byte d = src[pos];
                if (d == '.' && kind == Kind.INT) {
                    kind = Kind.REAL;
                } else if (!isDigit(d)) {
                    break;
                }
                pos++;
            }
            return new Token(kind, start, pos, ascii(start, pos));
        }
        while (pos < limit && !isSpace(src[pos]) && !isWordEnd(src[pos], valuesAllowed)) {
            pos++;
        }
        return new Token(Kind.WORD, start, pos, utf8(start, pos));
    }

    private Token doubleQuoted() throws ImageDefectException {
        int start = pos++;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (true) {
            if (pos >= limit) {
                throw error(start, "string is never closed");
            }
            byte c = src[pos];
            if (c == '"') {
                pos++;
                break;
            }
            // The tokenizer lets a backslash protect any byte; unescaping only removes it before
            // '"' and '\' (libdm dm_unescape_double_quotes).
            if (c == '\\' && pos + 1 < limit) {
                byte n = src[pos + 1];
                if (n != '"' && n != '\\') {
                    out.write(c);
                }
                out.write(n);
                pos += 2;
                continue;
            }
            out.write(c);
            pos++;
        }
        return new Token(Kind.STRING, start, pos, out.toString(StandardCharsets.UTF_8));
    }

    private Token singleQuoted() throws ImageDefectException {
        int start = pos++;
        while (pos < limit && src[pos] != '\'') {
            pos++;
        }
        if (pos >= limit) {
            throw error(start, "string is never closed");
        }
        String text = utf8(start + 1, pos);
        pos++;
        return new Token(Kind.STRING, start, pos, text);
    }

    private void skipBlanksAndComments() {
        while (pos < limit) {
            byte c = src[pos];
            if (isSpace(c)) {
                pos++;
            } else if (c == '#') {
                while (pos < limit && src[pos] != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == '\f';
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** A name runs up to '#', '=', '{' or '}'; a bare-word value also stops at list punctuation. */
    private static boolean isWordEnd(byte c, boolean value) {
        return c == '#' || c == '=' || c == '{' || c == '}'
                || (value && (c == ',' || c == '[' || c == ']' || c == '"' || c == '\''));
    }

    private String ascii(int from, int to) {
        return new String(src, from, to - from, StandardCharsets.US_ASCII);
    }

    private String utf8(int from, int to) {
        return new String(src, from, to - from, StandardCharsets.UTF_8);
    }

    private static String describe(Token t) {
        return t.kind == Kind.EOF ? "the end of the text" : "'" + shorten(t.text) + "'";
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private ImageDefectException error(int index, String what) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < index && i < src.length; i++) {
            if (src[i] == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new ImageDefectException("metadata-syntax", file, fileOffset.applyAsLong(index),
                "LVM metadata text line " + line + " column " + column + ": " + what);
    }
}
