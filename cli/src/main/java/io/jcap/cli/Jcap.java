package io.jcap.cli;

import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code jcap} command: parses options, renders output, maps errors to exit codes. */
@Command(name = "jcap", mixinStandardHelpOptions = true, versionProvider = Jcap.Version.class,
        description = "Turns an application into a small bootable VM image and runs it.",
        subcommands = {InitCommand.class, ValidateCommand.class, BuildCommand.class, RunCommand.class,
                PsCommand.class, LogsCommand.class, StopCommand.class, RmCommand.class,
                ImagesCommand.class, RmiCommand.class, PushCommand.class, KernelsCommand.class, DoctorCommand.class,
                VersionCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:failure (bad input, a failed build, a guest error)",
                "2:usage (a wrong command line)",
                "3:environment (a missing tool or kernel, a capability not built yet)"})
public final class Jcap implements Runnable {

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
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs jcap with the given streams; returns the exit code (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Jcap());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean trace = parseResult.originalArgs().contains("--stacktrace");
            PrintWriter errors = commandLine.getErr();
            if (e instanceof JcapException j) {
                errors.println("jcap: " + j.getMessage());
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
        });
        return cli.execute(args);
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
