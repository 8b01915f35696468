package org.smapimigrate.xapi.xva;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Parses one XML-RPC {@code <value>} as ocaml-rpc's {@code Xmlrpc.to_string} writes {@code ova.xml}
 * (xva-format.md section 3): untyped text and {@code <string>} become strings, so do the numbers
 * ({@code <i4>}, {@code <int>}, {@code <i8>}, {@code <double>}) and dates, to be coerced by field;
 * {@code <boolean>} becomes a Boolean, {@code <struct>} a map, {@code <array><data>} a list.
 * No DTD and no entities beyond XML's five: the text comes from an untrusted archive.
 */
final class XmlRpcValue {
    /** Deeper than any real ova.xml (a record's map field is six levels down), shallow enough for any stack. */
    static final int MAX_DEPTH = 64;

    private final XMLStreamReader xml;

    private XmlRpcValue(XMLStreamReader xml) {
        this.xml = xml;
    }

    /** The value in {@code text}; an {@code <appliance>} root (XVA 0.1) and anything else but {@code <value>} is refused. */
    static Object parse(byte[] text) throws XmlRpcException {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        try {
            XMLStreamReader r = f.createXMLStreamReader(new ByteArrayInputStream(text));
            try {
                r.nextTag();
                if (r.getLocalName().equals("appliance")) {
                    throw new XmlRpcException("the root element is <appliance>: the old XVA 0.1 directory format, which"
                            + " xapi no longer writes or reads; export the VM again with a current xapi");
                }
                XmlRpcValue p = new XmlRpcValue(r);
                Object v = p.value(0);
                while (r.hasNext()) {
                    int e = r.next();
                    if (e == XMLStreamConstants.START_ELEMENT) {
                        throw p.error("more than one value at the top level");
                    }
                }
                return v;
            } finally {
                r.close();
            }
        } catch (XMLStreamException | RuntimeException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
            throw new XmlRpcException("not well-formed XML: " + m);
        }
    }

    /** At a START_ELEMENT {@code value}; returns after its END_ELEMENT. */
    private Object value(int depth) throws XMLStreamException, XmlRpcException {
        if (depth > MAX_DEPTH) {
            throw error("values nested deeper than " + MAX_DEPTH);
        }
        expectStart("value");
        StringBuilder text = new StringBuilder();
        Object typed = null;
        while (true) {
            int e = xml.next();
            if (e == XMLStreamConstants.CHARACTERS || e == XMLStreamConstants.CDATA || e == XMLStreamConstants.SPACE) {
                text.append(xml.getText());
            } else if (e == XMLStreamConstants.START_ELEMENT) {
                if (typed != null) {
                    throw error("a <value> holds two values");
                }
                typed = typed(depth);
            } else if (e == XMLStreamConstants.END_ELEMENT) {
                if (typed != null) {
                    if (!text.toString().isBlank()) {
                        throw error("text beside a typed value");
                    }
                    return typed;
                }
                return text.toString();
            }
        }
    }

    private Object typed(int depth) throws XMLStreamException, XmlRpcException {
        String name = xml.getLocalName();
        switch (name) {
            case "string", "i4", "int", "i8", "double", "dateTime.iso8601", "base64":
                return xml.getElementText();
            case "boolean": {
                String t = xml.getElementText().trim();
                if (!t.equals("0") && !t.equals("1")) {
                    throw error("<boolean> holds '" + OneLineText.of(t) + "', not 0 or 1");
                }
                return t.equals("1");
            }
            case "struct":
                return struct(depth);
            case "array":
                return array(depth);
            default:
                throw error("unknown XML-RPC type <" + OneLineText.of(name) + ">");
        }
    }

    private Map<String, Object> struct(int depth) throws XMLStreamException, XmlRpcException {
        Map<String, Object> out = new LinkedHashMap<>();
        while (xml.nextTag() == XMLStreamConstants.START_ELEMENT) {
            expectStart("member");
            xml.nextTag();
            expectStart("name");
            String key = xml.getElementText();
            xml.nextTag();
            Object v = value(depth + 1);
            if (xml.nextTag() != XMLStreamConstants.END_ELEMENT) {
                throw error("a <member> holds more than a name and a value");
            }
            // ocaml-rpc never writes a key twice; a second one is a forged or damaged file.
            if (out.putIfAbsent(key, v) != null) {
                throw error("struct member '" + OneLineText.of(key) + "' appears twice");
            }
        }
        return out;
    }

    private List<Object> array(int depth) throws XMLStreamException, XmlRpcException {
        List<Object> out = new ArrayList<>();
        xml.nextTag();
        expectStart("data");
        while (xml.nextTag() == XMLStreamConstants.START_ELEMENT) {
            out.add(value(depth + 1));
        }
        if (xml.nextTag() != XMLStreamConstants.END_ELEMENT) {
            throw error("<array> holds more than one <data>");
        }
        return out;
    }

    private void expectStart(String name) throws XmlRpcException {
        if (xml.getEventType() != XMLStreamConstants.START_ELEMENT || !xml.getLocalName().equals(name)) {
            throw error("expected <" + name + ">");
        }
    }

    private XmlRpcException error(String what) {
        return new XmlRpcException(what + " (line " + xml.getLocation().getLineNumber() + ")");
    }

    /** What is wrong with the XML, one line. */
    static final class XmlRpcException extends Exception {
        XmlRpcException(String message) {
            super(message);
        }
    }
}
