package io.jcap.hypervisor.libvirt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An SSH login on a libvirt host: who, where, with which private key, and the known_hosts file
 * its host key is checked against. The check is never skipped.
 *
 * <pre>{@code
 * SshTarget target = LibvirtUri.parse("qemu+ssh://root@kvm1:2222/system").sshTarget().orElseThrow();
 * target.hostKeyName();   // "[kvm1]:2222", as known_hosts spells a host on another port
 * }</pre>
 *
 * @param keyFile the private key named by the URI's {@code keyfile} parameter; empty means the
 *     usual files in {@code ~/.ssh}
 */
public record SshTarget(String user, String host, int port, Optional<Path> keyFile, Path knownHosts) {
    /** Private keys tried, in this order, when the URI names none. */
    public static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    public SshTarget {
        if (user == null || !user.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("an SSH user name must be letters, digits, '_', '.' or '-', got " + user);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("an SSH target needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("SSH port must be 1 to 65535, got " + port);
        }
        if (keyFile == null || knownHosts == null) {
            throw new IllegalArgumentException("key file (may be empty) and known_hosts are required");
        }
    }

    static SshTarget of(LibvirtUri uri) {
        var parameters = uri.parameters();
        String user = uri.uri().getUserInfo() != null ? uri.uri().getUserInfo() : System.getProperty("user.name");
        int port = uri.uri().getPort() < 0 ? 22 : uri.uri().getPort();
        Optional<Path> key = Optional.ofNullable(parameters.get("keyfile")).filter(k -> !k.isEmpty()).map(Path::of);
        Path knownHosts = Optional.ofNullable(parameters.get("known_hosts")).filter(k -> !k.isEmpty()).map(Path::of)
                .orElse(sshDirectory().resolve("known_hosts"));
        return new SshTarget(user, uri.uri().getHost(), port, key, knownHosts);
    }

    /** The host as known_hosts names it: the bare host on port 22, "[host]:port" otherwise. */
    public String hostKeyName() {
        return port == 22 ? host : "[" + host + "]:" + port;
    }

    /** The command a user runs to log in by hand, e.g. to accept the host key. */
    public String sshCommand() {
        return sshCommand("");
    }

    /** The same with ssh {@code options} first, e.g. {@code -N -L 8080:127.0.0.1:8080} for a tunnel. */
    public String sshCommand(String options) {
        return "ssh " + (options.isEmpty() ? "" : options + " ") + (port == 22 ? "" : "-p " + port + " ") + user + "@"
                + host;
    }

    /** The private keys to try: the one the URI names, else those of {@link #DEFAULT_KEYS} that exist. */
    public List<Path> identityFiles() {
        if (keyFile.isPresent()) {
            return List.of(keyFile.get());
        }
        Path dir = sshDirectory();
        return DEFAULT_KEYS.stream().map(dir::resolve).filter(Files::isRegularFile).toList();
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port;
    }

    private static Path sshDirectory() {
        return Path.of(System.getProperty("user.home"), ".ssh");
    }
}
