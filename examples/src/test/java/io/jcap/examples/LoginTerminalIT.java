package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.LocalRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcap login} typed on a terminal while its output goes to a file, as {@code docker login}
 * allows: the real bin/jcap on a pseudo-terminal that util-linux's {@code script} makes, against
 * the htpasswd registry scripts/start-services.sh runs on 127.0.0.1. The transcript is what the
 * terminal showed: a typed password must not be in it.
 */
class LoginTerminalIT {
    private static final Duration BOUND = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @Test
    void login_withItsOutputRedirected_asksOnTheTerminal_withoutEchoingThePassword() throws Exception {
        LocalRegistry registry = LocalRegistry.local();
        Path out = temp.resolve("out.txt");
        String command = "'" + JcapProcess.LAUNCHER + "' login " + registry.tls() + " --cert-dir '" + registry.certDir()
                + "' > '" + out + "'";
        Process script = onTerminal(command);
        Transcript transcript = new Transcript(script.getInputStream());
        try (OutputStream typed = script.getOutputStream()) {
            transcript.await("Username: ");
            typed.write((registry.user() + "\n").getBytes(StandardCharsets.UTF_8));
            typed.flush();
            transcript.await("Password: ");
            typed.write((registry.password() + "\n").getBytes(StandardCharsets.UTF_8));
            typed.flush();
            assertTrue(script.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "jcap login did not finish: " + transcript);
        } finally {
            script.destroyForcibly();
        }
        transcript.join();

        assertEquals(0, script.exitValue(), transcript + " / " + (Files.exists(out) ? Files.readString(out) : ""));
        assertEquals("Login Succeeded: " + registry.user() + " at " + registry.tls() + ", stored in "
                + temp.resolve("docker/config.json") + "\n", Files.readString(out));
        // The user name is echoed as it is typed; the password is not, and the line ends after it.
        assertTrue(transcript.text().contains("Username: " + registry.user()), transcript.text());
        assertTrue(transcript.text().contains("Password: \r\n"), transcript.text());
        assertFalse(transcript.text().contains(registry.password()), transcript.text());
        assertTrue(Files.readString(temp.resolve("docker/config.json")).contains(registry.tls()));
    }

    /** Ctrl-C at the password prompt: the terminal's echo, turned off for the password, comes back. */
    @Test
    void login_interruptedAtThePasswordPrompt_leavesTheTerminalEchoing() throws Exception {
        LocalRegistry registry = LocalRegistry.local();
        Path settings = temp.resolve("stty.txt");
        // The shell's trap runs once jcap, in the foreground, has ended on the same Ctrl-C.
        String command = "trap 'stty -a > " + settings + "' INT; '" + JcapProcess.LAUNCHER + "' login "
                + registry.tls() + " -u " + registry.user() + " --cert-dir '" + registry.certDir() + "' > /dev/null";
        Process script = onTerminal(command);
        Transcript transcript = new Transcript(script.getInputStream());
        try (OutputStream typed = script.getOutputStream()) {
            transcript.await("Password: ");
            typed.write(3);
            typed.flush();
            assertTrue(script.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "jcap login did not end: " + transcript);
        } finally {
            script.destroyForcibly();
        }
        transcript.join();

        assertTrue(Files.exists(settings), "the shell's trap did not run: " + transcript);
        String flags = Files.readString(settings);
        assertTrue(flags.matches("(?s).*(^|\\s)echo(\\s|$).*"), flags);
        assertFalse(Files.exists(temp.resolve("docker/config.json")), "nothing stored");
    }

    /** {@code command}, run by sh on a pseudo-terminal of its own (util-linux script), with this test's homes. */
    private Process onTerminal(String command) throws java.io.IOException {
        ProcessBuilder builder = new ProcessBuilder("script", "-qfec", command, "/dev/null").redirectErrorStream(true);
        builder.environment().put("JCAP_HOME", Files.createDirectories(temp.resolve("home")).toString());
        builder.environment().put("DOCKER_CONFIG", temp.resolve("docker").toString());
        return builder.start();
    }

    /** What the terminal shows, read as it comes. */
    private static final class Transcript {
        private final StringBuilder text = new StringBuilder();
        private final Thread reader;
        /** Where the text after the last prompt awaited starts. */
        private int awaited;

        Transcript(InputStream in) {
            reader = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        synchronized (text) {
                            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                            text.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // The process ended.
                }
            }, "transcript");
            reader.start();
        }

        /** Waits for {@code prompt} after the one awaited before. */
        void await(String prompt) throws InterruptedException {
            long deadline = System.nanoTime() + BOUND.toNanos();
            synchronized (text) {
                int at;
                while ((at = text.indexOf(prompt, awaited)) < 0) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        throw new AssertionError("no '" + prompt + "' within " + BOUND + ": " + text);
                    }
                    text.wait(left);
                }
                awaited = at + prompt.length();
            }
        }

        void join() throws InterruptedException {
            reader.join(BOUND.toMillis());
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }

        @Override
        public String toString() {
            return text();
        }
    }
}
