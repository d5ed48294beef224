package io.jcap.builder.push.aws;

import io.jcap.model.JcapException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The EC2 calls jcap makes (the Query API, version 2016-11-15): images of a name, a snapshot's
 * state, registering an AMI, deregistering one and deleting a snapshot.
 */
final class Ec2Api {
    private static final String VERSION = "2016-11-15";

    private final SignedHttp http;
    private final URI endpoint;

    Ec2Api(SignedHttp http, URI endpoint) {
        this.http = http;
        this.endpoint = endpoint;
    }

    /** An AMI and the snapshots it uses. */
    record Ami(String imageId, List<String> snapshotIds) {
    }

    /** The account's own AMIs named {@code name}. */
    List<Ami> imagesNamed(String name) throws JcapException, InterruptedException {
        Document doc = call("DescribeImages", "look up images named '" + name + "'",
                Map.of("Owner.1", "self", "Filter.1.Name", "name", "Filter.1.Value.1", name));
        List<Ami> amis = new ArrayList<>();
        for (Element item : children(doc.getDocumentElement(), "imagesSet")) {
            List<String> snapshots = new ArrayList<>();
            for (Element mapping : children(item, "blockDeviceMapping")) {
                String snapshot = text(mapping, "snapshotId");
                if (!snapshot.isEmpty()) {
                    snapshots.add(snapshot);
                }
            }
            amis.add(new Ami(text(item, "imageId"), List.copyOf(snapshots)));
        }
        return amis;
    }

    /** A snapshot's state: {@code pending}, {@code completed} or {@code error}. */
    String snapshotState(String snapshot) throws JcapException, InterruptedException {
        Document doc = call("DescribeSnapshots", "describe snapshot " + snapshot, Map.of("SnapshotId.1", snapshot));
        return text(doc.getDocumentElement(), "status");
    }

    /** Registers an AMI from {@code fields} (the Query API's parameters); returns its ID. */
    String register(Map<String, String> fields) throws JcapException, InterruptedException {
        Document doc = call("RegisterImage", "register image '" + fields.get("Name") + "'", fields);
        return text(doc.getDocumentElement(), "imageId");
    }

    void deregister(String imageId) throws JcapException, InterruptedException {
        call("DeregisterImage", "deregister image " + imageId, Map.of("ImageId", imageId));
    }

    void deleteSnapshot(String snapshot) throws JcapException, InterruptedException {
        call("DeleteSnapshot", "delete snapshot " + snapshot, Map.of("SnapshotId", snapshot));
    }

    private Document call(String action, String what, Map<String, String> parameters)
            throws JcapException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Action", action);
        form.put("Version", VERSION);
        form.putAll(parameters);
        String body = form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        SignedHttp.Answer answer = http.send("ec2", "POST", URI.create(endpoint + "/"),
                Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                body.getBytes(StandardCharsets.UTF_8), what);
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(answer.body().getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new JcapException("EC2 at " + endpoint + " answered " + action + " with no XML: " + e.getMessage(), e);
        }
    }

    /** The {@code item} elements of the first element named {@code set} below {@code parent}. */
    private static List<Element> children(Element parent, String set) {
        List<Element> items = new ArrayList<>();
        NodeList sets = parent.getElementsByTagName(set);
        if (sets.getLength() > 0) {
            for (var n = sets.item(0).getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals("item")) {
                    items.add(e);
                }
            }
        }
        return items;
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().strip();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
