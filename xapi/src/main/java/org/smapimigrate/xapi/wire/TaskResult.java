package org.smapimigrate.xapi.wire;

import java.io.IOException;
import java.io.StringReader;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * A task's {@code result} field. XAPI stores it as an XML-RPC fragment even over JSON-RPC, e.g.
 * {@code <value>OpaqueRef:...</value>} (xen-api taskHelper.ml set_result_on_task uses
 * Xmlrpc.to_string; xapi-integration.md section 1 "Async calls and tasks"): the text inside the
 * {@code <value>} element (and a {@code <string>} one, which other writers add), entities
 * decoded by the JDK's XML parser with DTDs refused (no entity expansion from the network).
 * Text that is not such a fragment is returned as it is.
 */
public final class TaskResult {
    private TaskResult() {
    }

    public static String unwrap(String result) {
        if (result == null) {
            return "";
        }
        String s = result.strip();
        if (!s.startsWith("<value")) {
            return s;
        }
        try {
            Document d = parser().parse(new InputSource(new StringReader(s)));
            if (!"value".equals(d.getDocumentElement().getTagName())) {
                return s;
            }
            return d.getDocumentElement().getTextContent();
        } catch (SAXException | IOException e) {
            return s;
        }
    }

    private static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            f.setXIncludeAware(false);
            return f.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no safe XML parser: " + e.getMessage(), e);
        }
    }
}
