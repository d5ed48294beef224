package io.jcap.hypervisor.libvirt;

import java.util.Optional;

/** What to do about a failed libvirt connection, judged from libvirt's error text. */
final class LibvirtHints {
    static final String START_DAEMON = "libvirtd is not running: start it as root with 'mkdir -p /var/log/libvirt/qemu"
            + " && virtlogd -d && libvirtd -d' (jcap's scripts/start-services.sh does) or with 'systemctl start libvirtd'";
    static final String SOCKET_DENIED = "this user may not use the system daemon: add it to the libvirt group"
            + " (usermod -aG libvirt USER, then log in again) or use qemu:///session";

    private LibvirtHints() {
    }

    static Optional<String> forConnectFailure(LibvirtUri uri, String message) {
        String text = message.toLowerCase(java.util.Locale.ROOT);
        Optional<SshTarget> ssh = uri.sshTarget();
        if (text.contains("libvirt-sock") && text.contains("no such file")) {
            return Optional.of(START_DAEMON);
        }
        if (text.contains("libvirt-sock") && text.contains("permission denied")) {
            return Optional.of(SOCKET_DENIED);
        }
        if (ssh.isPresent()) {
            SshTarget target = ssh.get();
            if (text.contains("host key verification failed") || text.contains("host key for")
                    || text.contains("differs from stored identity")) {
                return Optional.of("the host key of " + target.hostKeyName() + " is unknown or changed: connect once with '"
                        + target.sshCommand() + "' to check and accept it");
            }
            if (text.contains("permission denied (publickey") || text.contains("failed to authenticate")) {
                return Optional.of("the SSH login was refused: name the private key with ?keyfile=... and add its .pub"
                        + " to ~/.ssh/authorized_keys of " + target.user() + " on " + target.host());
            }
            if (text.contains("connection refused") || text.contains("could not resolve")
                    || text.contains("name or service not known")) {
                return Optional.of("check the host name and port and that sshd runs on " + target.host());
            }
            if (text.contains("virt-ssh-helper") || text.contains("command not found") || text.contains("nc:")) {
                return Optional.of("install libvirt on " + target.host() + " (apt-get install libvirt-daemon"
                        + " libvirt-daemon-driver-qemu) and start libvirtd there");
            }
        }
        return Optional.empty();
    }
}
