package io.jcap.hypervisor.libvirt;

import io.jcap.host.FileTail;
import io.jcap.hypervisor.qemu.QemuEnding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a detached domain's QEMU ended, from the line libvirt writes to the domain's QEMU log
 * ({@code /var/log/libvirt/qemu/DOMAIN.log}) when it stops one: {@code shutting down,
 * reason=shutdown} when the guest powered off, {@code destroyed} when the host ended it,
 * {@code crashed} when QEMU died (SIGKILL: checked on this machine's libvirt 9.0), {@code failed}
 * when it could not go on. The last such line counts: a persistent domain's log grows with each
 * start.
 *
 * <pre>{@code
 * DomainEnding.of(Path.of("/var/log/libvirt/qemu/jcap-web-1a2b3c4d.log"));   // Optional[VANISHED]
 * }</pre>
 */
public final class DomainEnding {
    private static final Pattern LINE = Pattern.compile("shutting down, reason=([a-z-]+)");
    /** libvirt's lines about a stopped domain come last. */
    private static final int TAIL_BYTES = 64 * 1024;

    private DomainEnding() {
    }

    /** The ending the log's last stop line names; empty when it has none or cannot be read (it is root's). */
    public static Optional<QemuEnding> of(Path qemuLog) {
        return parse(new String(FileTail.lastBytes(qemuLog, TAIL_BYTES), StandardCharsets.ISO_8859_1));
    }

    static Optional<QemuEnding> parse(String log) {
        Matcher m = LINE.matcher(log);
        String reason = null;
        while (m.find()) {
            reason = m.group(1);
        }
        if (reason == null) {
            return Optional.empty();
        }
        return switch (reason) {
            case "shutdown" -> Optional.of(QemuEnding.GUEST_POWER_OFF);
            case "destroyed" -> Optional.of(QemuEnding.HOST);
            case "crashed", "failed" -> Optional.of(QemuEnding.VANISHED);
            default -> Optional.empty();
        };
    }
}
