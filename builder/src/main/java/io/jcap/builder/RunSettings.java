package io.jcap.builder;

import io.jcap.capstanfile.CommandWords;
import io.jcap.hypervisor.FirmwareFile;
import io.jcap.model.GuestPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The settings one run passes to the guest init beside the image's {@code /.jcap/config}
 * (docs/guest-protocol.md, "Run-time settings"): {@code arg} lines that replace the command
 * line, {@code env} lines that add or replace variables.
 */
final class RunSettings {
    /** The fw_cfg name the init reads. */
    static final String FW_CFG_NAME = "opt/io.jcap/config";

    private RunSettings() {
    }

    /** The settings file's bytes, or empty when the request changes nothing. */
    static Optional<byte[]> of(RunRequest request) {
        if (!request.hasRunSettings()) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("# jcap run: settings for this run only\n");
        request.cmd().ifPresent(cmd -> argv(cmd).forEach(a -> text.append("arg ").append(a).append('\n')));
        for (Map.Entry<String, String> e : request.env().entrySet()) {
            text.append("env ").append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return Optional.of(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static FirmwareFile firmwareFile(Path file) {
        return new FirmwareFile(FW_CFG_NAME, file);
    }

    /** The words of a {@code --cmd}, checked as the Capstanfile's {@code cmdline} is. */
    static List<String> argv(String cmd) {
        List<String> words = CommandWords.split(cmd);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("the command line is empty: say what to run (--cmd \"/app/hello\")");
        }
        // GuestConfig holds the rules of an image's command line; a run-time one follows them too.
        new GuestConfig(words, new TreeMap<>(), GuestPath.ROOT);
        return words;
    }

    static void checkLine(String what, String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " may not contain a newline or NUL character: "
                    + value.replace("\n", "\\n"));
        }
    }
}
