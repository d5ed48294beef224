package io.jcap.hypervisor.libvirt;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A libvirt connection URI: {@code qemu:///system} for the local system daemon, or
 * {@code qemu+ssh://user@host[:port]/system?keyfile=...} for a KVM host reached over SSH.
 *
 * <pre>{@code
 * LibvirtUri local = LibvirtUri.SYSTEM;
 * LibvirtUri remote = LibvirtUri.parse("qemu+ssh://jcap@kvm1.example.org/system?keyfile=/home/me/.ssh/kvm");
 * remote.sshTarget().orElseThrow().port();   // 22
 * }</pre>
 *
 * <p>The {@code ssh} transport runs the system {@code ssh} client, so it uses {@code ~/.ssh/config}
 * and {@code ~/.ssh/known_hosts}; {@code libssh} and {@code libssh2} run inside the process and
 * honour the {@code known_hosts} parameter. jcap's own uploads read the same parameters.
 */
public record LibvirtUri(URI uri) {
    /** The local system daemon, the default. */
    public static final LibvirtUri SYSTEM = parse("qemu:///system");

    private static final Set<String> SSH_TRANSPORTS = Set.of("ssh", "libssh", "libssh2");
    /** libvirt's transports (its remote driver's URI page). */
    private static final Set<String> TRANSPORTS = Set.of("unix", "ssh", "libssh", "libssh2", "tcp", "tls", "ext");

    public LibvirtUri {
        if (uri == null || uri.getScheme() == null || !uri.getScheme().matches("[a-z0-9]+(\\+[a-z0-9]+)?")) {
            throw new IllegalArgumentException("a libvirt URI looks like qemu:///system or qemu+ssh://user@host/system, got "
                    + uri);
        }
        String scheme = uri.getScheme();
        String driver = scheme.contains("+") ? scheme.substring(0, scheme.indexOf('+')) : scheme;
        if (!driver.equals("qemu")) {
            // Other hypervisor drivers (xen, lxc, vbox...) cannot run the QEMU domains jcap defines.
            throw new IllegalArgumentException("jcap's libvirt guests are QEMU domains: the URI must start with qemu"
                    + " (qemu:///system, qemu:///session, qemu+ssh://user@host/system), got " + uri);
        }
        String transport = scheme.substring(driver.length()).replaceFirst("^\\+", "");
        if (!transport.isEmpty() && !TRANSPORTS.contains(transport)) {
            throw new IllegalArgumentException("unknown libvirt transport '" + transport + "' in " + uri
                    + ": use one of " + String.join(", ", new java.util.TreeSet<>(TRANSPORTS)));
        }
        if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
            throw new IllegalArgumentException("a libvirt URI must not carry a password: use an SSH key (keyfile=...)");
        }
    }

    /** Parses {@code text}; a malformed URI is an {@link IllegalArgumentException} naming it. */
    public static LibvirtUri parse(String text) {
        try {
            return new LibvirtUri(new URI(text));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid libvirt URI: " + e.getMessage(), e);
        }
    }

    /** The hypervisor driver: "qemu" for both {@code qemu:///system} and {@code qemu+ssh://...}. */
    public String driver() {
        String scheme = uri.getScheme();
        int plus = scheme.indexOf('+');
        return plus < 0 ? scheme : scheme.substring(0, plus);
    }

    /** The transport after the '+' of the scheme, if any ("ssh", "libssh", "tls"...). */
    public Optional<String> transport() {
        String scheme = uri.getScheme();
        int plus = scheme.indexOf('+');
        return plus < 0 ? Optional.empty() : Optional.of(scheme.substring(plus + 1));
    }

    /** Whether the daemon runs on this machine: no host in the URI, or the unix transport. */
    public boolean isLocal() {
        return uri.getHost() == null || transport().filter("unix"::equals).isPresent();
    }

    /** The query parameters, decoded, in their order. */
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            parameters.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    /** Where jcap uploads files for a remote daemon reached over SSH; empty for a local or non-SSH URI. */
    public Optional<SshTarget> sshTarget() {
        if (isLocal() || transport().filter(SSH_TRANSPORTS::contains).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(SshTarget.of(this));
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
