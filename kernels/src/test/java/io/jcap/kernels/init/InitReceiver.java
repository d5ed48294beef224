package io.jcap.kernels.init;

import io.jcap.host.HostTool;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Runs the guest init's cpio receiver on the host ({@code jcap-init --extract|--update DIR}), no VM. */
final class InitReceiver {
    private InitReceiver() {
    }

    /**
     * @param mode {@code --extract}, or {@code --update} (removals honoured, as an incremental build)
     * @param work a folder for the init binary
     */
    static HostTool.Result run(String mode, byte[] stream, Path root, Path work) throws Exception {
        Path init = work.resolve("jcap-init");
        if (!Files.exists(init)) {
            try (InputStream in = InitReceiver.class.getResourceAsStream("/io/jcap/kernels/init/jcap-init")) {
                Files.copy(in, init);
            }
            init.toFile().setExecutable(true);
        }
        HostTool.Running running = HostTool.startWithInput(List.of(init.toString(), mode, root.toString()), work);
        try (OutputStream input = running.input()) {
            input.write(stream);
        }
        return running.await(Duration.ofSeconds(60));
    }
}
