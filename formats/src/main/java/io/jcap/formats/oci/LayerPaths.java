package io.jcap.formats.oci;

/** The one check of a path inside a layer, for writing and for reading what a registry sent. */
final class LayerPaths {
    private LayerPaths() {
    }

    /**
     * The path without a leading {@code ./} or trailing '/', when it stays inside the layer.
     *
     * @throws IllegalArgumentException naming the path when it is empty, absolute, or has an empty,
     *     {@code .} or {@code ..} component
     */
    static String check(String path) {
        if (path == null) {
            throw new IllegalArgumentException("a layer path is missing");
        }
        String p = path.startsWith("./") ? path.substring(2) : path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty() || p.startsWith("/")) {
            throw new IllegalArgumentException("layer path '" + path + "' is empty or absolute: a layer's paths are relative to the image's root (etc/passwd, not /etc/passwd)");
        }
        for (String part : p.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("layer path '" + path + "' has a component '" + part
                        + "': paths name files inside the layer, without empty, . or .. parts");
            }
        }
        return p;
    }
}
