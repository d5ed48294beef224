package io.jcap.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** Runs a host tool that checks what a format writer wrote (isoinfo, sgdisk, fsck.fat, mtools). */
public final class HostTool {
    /** What a tool printed and how it exited. */
    public record Result(int exitCode, byte[] stdout, String stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    private HostTool() {
    }

    /** Runs {@code command} in {@code dir}, whatever its exit code. */
    public static Result runAnyExit(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(stderr unreadable: " + e.getMessage() + ")";
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        return new Result(code, out, err.join());
    }

    /** Runs {@code command} in {@code dir}, fails the test unless it exits with 0, and returns its stdout. */
    public static String run(Path dir, String... command) throws IOException, InterruptedException {
        return runBytes(dir, command).out();
    }

    /** {@link #run} keeping stdout's bytes. */
    public static Result runBytes(Path dir, String... command) throws IOException, InterruptedException {
        Result r = runAnyExit(dir, command);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ":\n" + r.out() + r.stderr());
        return r;
    }
}
