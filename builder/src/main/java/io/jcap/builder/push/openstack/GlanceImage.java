package io.jcap.builder.push.openstack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.builder.push.PushRequest;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.model.JcapException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What Glance receives about an image besides its bytes: the fields and properties of
 * {@code POST /v2/images}, from the image's metadata and the request's options.
 *
 * @param fields the whole body, in the order it is sent
 */
record GlanceImage(Map<String, Object> fields) {
    static final Set<String> VISIBILITIES = Set.of("private", "shared", "community", "public");
    /** Glance's own fields, which {@code --property} must not set. */
    /** The prefix of the properties jcap sets itself. */
    static final String OWN_PREFIX = "jcap_";
    private static final Set<String> RESERVED = Set.of("id", "name", "status", "owner", "visibility", "disk_format",
            "container_format", "size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value", "protected",
            "tags", "locations", "min_ram", "min_disk", "created_at", "updated_at", "file", "schema", "self");
    private static final long GIB = 1L << 30;

    GlanceImage {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * The image record for {@code request}.
     *
     * @throws JcapException for a visibility Glance does not know or a {@code --property} that is
     *     not {@code KEY=VALUE} or sets one of Glance's own fields or jcap's
     */
    static GlanceImage of(PushRequest request) throws JcapException {
        ImageMetadata m = request.image().metadata();
        String visibility = request.option("visibility").orElse("private");
        if (!VISIBILITIES.contains(visibility)) {
            throw JcapException.usage("--visibility " + visibility + " is not one of private, shared, community, public");
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", request.remoteName());
        f.put("disk_format", "qcow2");
        f.put("container_format", "bare");
        f.put("visibility", visibility);
        f.put("min_ram", m.memoryMiB());
        f.put("min_disk", (int) Math.max(1, (m.virtualSize() + GIB - 1) / GIB));
        f.put("hw_disk_bus", "virtio");
        f.put("hw_vif_model", "virtio");
        f.put("os_type", "linux");
        f.put("jcap_kernel", m.kernel());
        f.put("jcap_source_digest", m.inputsDigest().hex());
        f.put("jcap_image_sha256", m.imageSha256().hex());
        f.put("jcap_version", request.jcapVersion());
        for (String property : request.optionValues("property")) {
            int eq = property.indexOf('=');
            if (eq <= 0) {
                throw JcapException.usage("--property " + property + " is not KEY=VALUE");
            }
            String key = property.substring(0, eq);
            if (RESERVED.contains(key)) {
                throw JcapException.usage("--property " + key + " sets Glance's own field '" + key
                        + "': use --name or --visibility, or another key");
            }
            // What jcap records of the image's provenance, which later pushes rely on (jcap_version
            // marks the images a push may clean up): not the user's to set.
            if (key.startsWith(OWN_PREFIX)) {
                throw JcapException.usage("--property " + key + ": keys starting with " + OWN_PREFIX + " are jcap's own"
                        + " (jcap_kernel, jcap_source_digest, jcap_image_sha256, jcap_version): use another key");
            }
            f.put(key, property.substring(eq + 1));
        }
        return new GlanceImage(f);
    }

    ObjectNode json() {
        ObjectNode node = OpenStackHttp.JSON.createObjectNode();
        fields.forEach((k, v) -> {
            if (v instanceof Integer i) {
                node.put(k, i);
            } else {
                node.put(k, v.toString());
            }
        });
        return node;
    }
}
