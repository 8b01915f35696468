package org.smapimigrate.batch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value of a job file with the line it starts on and its key path. Jackson's tree model drops
 * locations, so the file is read token by token (YAML and JSON through the same streaming parser)
 * to keep, for every value, the line an error about it must name.
 */
final class Node {
    enum Kind { MAP, LIST, SCALAR, NULL }

    final Kind kind;
    final int line;
    final String key;
    final Map<String, Node> map;
    final List<Node> list;
    final String text;

    private Node(Kind kind, int line, String key, Map<String, Node> map, List<Node> list, String text) {
        this.kind = kind;
        this.line = line;
        this.key = key;
        this.map = map;
        this.list = list;
        this.text = text;
    }

    /** Reads the value at the parser's current token (already advanced onto it). */
    static Node read(JsonParser p, String key, Problems problems) throws IOException {
        return read(p, key, p.currentTokenLocation().getLineNr(), problems);
    }

    /** A map's value carries its key's line: that is where an error about it points. */
    private static Node read(JsonParser p, String key, int line, Problems problems) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Node> map = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                int keyLine = p.currentTokenLocation().getLineNr();
                String path = key.isEmpty() ? name : key + "." + name;
                p.nextToken();
                Node value = read(p, path, keyLine, problems);
                if (map.containsKey(name)) {
                    throw problems.at(keyLine, path, "given twice; keep one");
                }
                map.put(name, value);
            }
            return new Node(Kind.MAP, line, key, map, null, null);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> list = new ArrayList<>();
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.add(read(p, key + "[" + i++ + "]", p.currentTokenLocation().getLineNr(), problems));
            }
            return new Node(Kind.LIST, line, key, null, list, null);
        }
        if (t == JsonToken.VALUE_NULL) {
            return new Node(Kind.NULL, line, key, null, null, null);
        }
        if (t != null && t.isScalarValue()) {
            return new Node(Kind.SCALAR, line, key, null, null, p.getText());
        }
        throw problems.at(line, key, "unexpected " + t);
    }

    /** Where errors about a file are made, so every one names the file. */
    interface Problems {
        JobFileError at(int line, String key, String problem);
    }
}
