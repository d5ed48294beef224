package io.jcap.cli;

import io.jcap.builder.api.JcapHome;
import io.jcap.cli.options.UsageErrors;
import io.jcap.host.Cleanup;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.model.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code jcap} command: parses options, renders output, maps errors to exit codes. */
@Command(name = "jcap", mixinStandardHelpOptions = true, versionProvider = Jcap.Version.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = "Turns an application into a small bootable VM image and runs it.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:failure (bad input, a failed build, a guest error)",
                "2:usage (a wrong command line)",
                "3:environment (a missing tool or kernel, an unreachable service)"})
public final class Jcap implements Runnable {
    /** The subcommands, in the order the usage text lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(InitCommand.class, ValidateCommand.class,
            BuildCommand.class, RunCommand.class, PsCommand.class, LogsCommand.class, StopCommand.class,
            RmCommand.class, ImagesCommand.class, RmiCommand.class, PushCommand.class, PullCommand.class, LoginCommand.class,
            VolumeCommand.class, KernelsCommand.class,
            DoctorCommand.class, VersionCommand.class, CommandLine.HelpCommand.class);

    @Option(names = "--stacktrace", scope = CommandLine.ScopeType.INHERIT,
            description = "Print the stack trace of an error.")
    boolean stacktrace;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // Picocli's default factory looks for Groovy's Closure class unless told not to; a class
        // that is not there is looked for in every jar of the class path (78), about 30 ms.
        System.setProperty("picocli.disable.closures", "true");
        Runtime.getRuntime().addShutdownHook(new EndBar());
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Ctrl-C or a signal ends jcap while a progress bar may be on the screen: the line is cleared,
     * or the shell's prompt would start on it. A class, not a lambda: no bootstrap at every start.
     */
    private static final class EndBar extends Thread {
        EndBar() {
            super("jcap-end-bar");
        }

        @Override
        public void run() {
            ConsoleEvents.endBar();
        }
    }

    /** Runs jcap with the given streams; returns the exit code (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine(args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler(new UsageErrors());
        cli.setExecutionExceptionHandler(new Errors());
        cli.setExecutionStrategy(new HomeChecked());
        return cli.execute(args);
    }

    /**
     * Runs the command once jcap's home is known to be usable: a {@code JCAP_HOME} that is a file
     * is said once, here, before any command (doctor included) reads through it. Usage and
     * version texts need no home.
     */
    private static final class HomeChecked implements CommandLine.IExecutionStrategy {
        private static final List<String> WITHOUT_HOME = List.of("help", "version");

        @Override
        public int execute(CommandLine.ParseResult parseResult) {
            CommandLine.ParseResult last = parseResult;
            while (last.hasSubcommand()) {
                last = last.subcommand();
            }
            boolean helpOnly = last == parseResult || WITHOUT_HOME.contains(last.commandSpec().name())
                    || last.isUsageHelpRequested() || last.isVersionHelpRequested();
            if (!helpOnly) {
                try {
                    JcapHome.fromEnvironment().check();
                } catch (JcapException e) {
                    throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), e.getMessage(), e);
                }
            }
            return new CommandLine.RunLast().execute(parseResult);
        }
    }

    /**
     * A command's exception as a message and exit code. A class, not a lambda: a lambda typed by
     * a picocli interface, once in the class list of bin/jcap's class data archive, keeps every
     * picocli class out of it (picocli is compiled for Java 5, and the JDK does not archive such
     * classes once they were linked while dumping).
     */
    private static final class Errors implements CommandLine.IExecutionExceptionHandler {
        /** A shell's status for a command stopped by SIGINT, which is what the JVM exits with then. */
        private static final int STOPPED = 130;
        /**
         * How long a failure waits for the JVM's stop to show: Ctrl-C reaches the whole process
         * group, and a QEMU that died of it fails the command (a builder guest "stopped before it
         * accepted the stream") a moment before the JVM, which got the same signal, begins to stop.
         */
        private static final java.time.Duration SIGNAL_WAIT = java.time.Duration.ofMillis(200);

        private static boolean stopped() {
            try {
                return Cleanup.shuttingDownWithin(SIGNAL_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Cleanup.shuttingDown();
            }
        }

        @Override
        public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
            boolean trace = parseResult.originalArgs().contains("--stacktrace");
            PrintWriter errors = commandLine.getErr();
            // A progress bar may be on the line: the message starts a line of its own.
            ConsoleEvents.endBar();
            if (!trace && stopped()) {
                // Ctrl-C or a signal stopped jcap, and its shutdown hook the VM: what failed after
                // that (a connection reset, a guest gone) is the stop's doing, not news. Nothing is
                // said, as when the hook ends the JVM before this thread gets here.
                return STOPPED;
            }
            if (e instanceof JcapException j) {
                // What images, registries and files say is quoted in messages: never raw to the terminal.
                errors.println("jcap: " + Printable.lines(j.getMessage()));
                if (trace) {
                    e.printStackTrace(errors);
                }
                errors.flush();
                return j.exitCode().code();
            }
            errors.println("jcap: internal error: " + e + (trace ? "" : " (run with --stacktrace for details)"));
            if (trace) {
                e.printStackTrace(errors);
            }
            errors.flush();
            return ExitCode.FAILURE.code();
        }
    }

    /** The whole command tree: what usage errors thrown by a subcommand's own checks refer to. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Jcap());
        SUBCOMMANDS.forEach(cli::addSubcommand);
        return cli;
    }

    /**
     * The command tree for {@code args}. Picocli reads every registered subcommand's annotations
     * into a model up front (about 20 ms for all of them at each start), so when the arguments name
     * a subcommand (after nothing but {@code --stacktrace}) only that one is registered. Anything else (no
     * command, {@code help}, {@code --help}, an unknown name) gets the whole tree, so usage texts,
     * suggestions and errors are the same as ever.
     */
    static CommandLine commandLine(String[] args) {
        int first = 0;
        while (first < args.length && args[first].equals("--stacktrace")) {
            first++;
        }
        if (first < args.length && !args[first].equals("help")) {
            for (Class<?> command : SUBCOMMANDS) {
                if (command.getAnnotation(Command.class).name().equals(args[first])) {
                    CommandLine cli = new CommandLine(new Jcap());
                    cli.addSubcommand(command);
                    return cli;
                }
            }
        }
        return commandLine();
    }

    /** The version recorded by the build. */
    public static String version() {
        Properties props = new Properties();
        try (InputStream in = Jcap.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return props.getProperty("version", "unknown");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jcap " + version()};
        }
    }
}
