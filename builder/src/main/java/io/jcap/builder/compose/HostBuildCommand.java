package io.jcap.builder.compose;

import io.jcap.capstanfile.CommandWords;
import io.jcap.host.Cleanup;
import io.jcap.host.HostTool;
import io.jcap.host.Signals;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Printable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Runs a package file's {@code build} command on the host, in the project folder, without a shell. */
public final class HostBuildCommand {
    private static final int TAIL = 20;
    /** A build takes what it takes; Ctrl-C stops it. */
    private static final Duration UNBOUNDED = Duration.ofDays(3650);
    /**
     * How a process killed by SIGINT or SIGTERM exits, as Java reports it (128 + the signal); a
     * program may also exit with these codes itself, and Java cannot tell the two apart.
     */
    private static final int SIGINT_STATUS = 130;
    private static final int SIGTERM_STATUS = 143;
    /** How long the JVM may take to begin its stop after its build command died of the same signal. */
    private static final Duration SIGNAL_WAIT = Duration.ofSeconds(2);

    private HostBuildCommand() {
    }

    public static void run(List<String> argv, Path projectDir, EventSink events)
            throws JcapException, InterruptedException {
        // Quoted as the Capstanfile may write it, so that a word with spaces shows as one.
        String shown = CommandWords.join(argv);
        events.info("Running build command: " + shown);
        Deque<String> tail = new ArrayDeque<>();
        HostTool.Running process;
        try {
            process = HostTool.start(argv, projectDir, output -> {
                // Colours (a tool that believes a terminal reads it) would show as escapes.
                String line = Printable.withoutColours(output);
                events.debug("build: " + line);
                synchronized (tail) {
                    if (tail.size() == TAIL) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
            });
        } catch (EnvironmentException e) {
            throw new JcapException("build command '" + shown + "' could not start: " + e.getCause().getMessage()
                    + " (is " + argv.get(0) + " installed and on PATH?)", e);
        }
        int status = process.await(UNBOUNDED).exitCode();
        boolean signalled = status == SIGINT_STATUS || status == SIGTERM_STATUS;
        if (status != 0 && (signalled || Cleanup.shuttingDown()) && Cleanup.shuttingDownWithin(SIGNAL_WAIT)) {
            // Ctrl-C or a signal stopped jcap and its build command (the same process group)
            // or the shutdown hook stopped the command: not the command's failure. The CLI says
            // nothing and exits as the signal says, as for the other phases.
            throw new JcapException("stopped: jcap was interrupted");
        }
        if (status != 0) {
            StringBuilder message = new StringBuilder("build command '" + shown + "' "
                    + "failed with exit code " + status + (signalled ? " (stopped by signal " + (status - 128) + ", "
                    + Signals.name(status - 128).orElseThrow() + ", or a program that exits with that code)" : ""));
            synchronized (tail) {
                if (!tail.isEmpty()) {
                    message.append("; its last output lines:");
                    tail.forEach(l -> message.append("\n    ").append(l));
                }
            }
            throw new JcapException(message.toString());
        }
    }
}
