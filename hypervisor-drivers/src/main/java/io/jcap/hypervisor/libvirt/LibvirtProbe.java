package io.jcap.hypervisor.libvirt;

import io.jcap.model.EnvironmentException;
import java.io.IOException;
import java.io.StringReader;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Checks that a libvirt daemon answers at a URI and which versions it runs (the libvirt part of
 * {@code jcap doctor}), and whether its host offers KVM. It never throws; a failure is a status with the reason and, when jcap
 * knows one, a fix.
 *
 * <pre>{@code
 * LibvirtStatus local = LibvirtProbe.probe(LibvirtUri.SYSTEM);
 * // reachable, libvirt 9.0.0, QEMU 7.2.22
 * }</pre>
 */
public final class LibvirtProbe {
    /** The parser's default handler prints to stderr; library code never prints, it throws. */
    private static final ErrorHandler SILENT_XML_ERRORS = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private LibvirtProbe() {
    }

    public static LibvirtStatus probe(LibvirtUri uri) {
        Connect connect;
        try {
            connect = LibvirtConnections.open(uri);
        } catch (EnvironmentException e) {
            String problem = e.getCause() instanceof LibvirtException le ? LibvirtConnections.message(le) : e.getMessage();
            Optional<String> hint = e.getCause() instanceof LibvirtException
                    ? LibvirtHints.forConnectFailure(uri, problem) : Optional.empty();
            return LibvirtStatus.unreachable(uri, problem, hint);
        }
        try {
            return LibvirtStatus.reached(uri, version(connect.getLibVersion()), version(connect.getVersion()));
        } catch (LibvirtException e) {
            return LibvirtStatus.unreachable(uri, "libvirt answered but not about its version: "
                    + LibvirtConnections.message(e), Optional.empty());
        } finally {
            try {
                connect.close();
            } catch (LibvirtException e) {
                // The answer is in; a failing close changes nothing about it.
            }
        }
    }

    /**
     * Whether the host at {@code uri} runs x86_64 guests under KVM, by libvirt's capabilities. That
     * says the host has usable KVM, not how fast it is: jcap's probe guest runs on this machine only.
     */
    public static boolean offersKvm(LibvirtUri uri) throws EnvironmentException {
        Connect connect = LibvirtConnections.open(uri);
        try {
            return offersKvm(connect.getCapabilities());
        } catch (LibvirtException e) {
            throw new EnvironmentException("cannot read the capabilities of libvirt at " + uri + ": "
                    + LibvirtConnections.message(e), e);
        } finally {
            try {
                connect.close();
            } catch (LibvirtException e) {
                // The answer is in; a failing close changes nothing about it.
            }
        }
    }

    /** Whether capabilities XML lists a kvm domain type for an x86_64 hvm guest. */
    static boolean offersKvm(String capabilities) throws EnvironmentException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // libvirt's answer is data, never a reason to fetch or expand anything.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(SILENT_XML_ERRORS);
            Document document = builder.parse(new InputSource(new StringReader(capabilities)));
            NodeList kvm = (NodeList) XPathFactory.newInstance().newXPath().evaluate(
                    "/capabilities/guest[os_type='hvm']/arch[@name='x86_64']/domain[@type='kvm']", document,
                    XPathConstants.NODESET);
            return kvm.getLength() > 0;
        } catch (ParserConfigurationException | SAXException | IOException | XPathExpressionException e) {
            throw new EnvironmentException("libvirt's capabilities are not readable XML: " + e.getMessage(), e);
        }
    }

    /** libvirt's packed version number, major * 1,000,000 + minor * 1,000 + release, as "9.0.0". */
    static String version(long packed) {
        return (packed / 1_000_000) + "." + (packed / 1_000 % 1_000) + "." + (packed % 1_000);
    }
}
