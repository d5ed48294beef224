package io.jcap.builder.family.linux;

import io.jcap.builder.api.GuestCommandLine;
import io.jcap.builder.api.RunRequest;
import io.jcap.hypervisor.FirmwareFile;
import io.jcap.model.VolumeMount;
import io.jcap.streamer.ExitLine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The settings one run passes to the guest init beside the image's {@code /.jcap/config}
 * (docs/guest-protocol.md, "Run-time settings"): {@code arg} lines that replace the command
 * line, {@code env} lines that add or replace variables, {@code interactive 1} when the host
 * passes input to the console ({@code jcap run -i}), {@code disk_volume} lines for the run's
 * volumes ({@code jcap run --volume}), and the run's {@code exit_tag}.
 */
final class RunSettings {
    /** The fw_cfg name the init reads. */
    static final String FW_CFG_NAME = "opt/io.jcap/config";

    private RunSettings() {
    }

    /** The settings file's bytes, or empty when the request changes nothing and the run has no exit tag. */
    static Optional<byte[]> of(RunRequest request, ExitLine end) {
        if (!request.hasRunSettings() && !request.interactive() && end.tag().isEmpty()
                && request.volumes().isEmpty()) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("# jcap run: settings for this run only\n");
        request.cmd().ifPresent(cmd -> GuestCommandLine.words(cmd)
                .forEach(a -> text.append("arg ").append(a).append('\n')));
        for (Map.Entry<String, String> e : request.env().entrySet()) {
            text.append("env ").append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        if (request.interactive()) {
            text.append("interactive 1\n");
        }
        for (int i = 0; i < request.volumes().size(); i++) {
            VolumeMount volume = request.volumes().get(i);
            text.append("disk_volume ").append(RunVolumes.serial(i)).append(volume.readOnly() ? " ro " : " rw ")
                    .append(volume.guestFolder()).append('\n');
        }
        end.tag().ifPresent(tag -> text.append("exit_tag ").append(tag).append('\n'));
        return Optional.of(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static FirmwareFile firmwareFile(Path file) {
        return new FirmwareFile(FW_CFG_NAME, file);
    }
}
