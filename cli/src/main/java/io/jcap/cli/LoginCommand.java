package io.jcap.cli;

import io.jcap.builder.push.Secret;
import io.jcap.cli.options.RegistryTlsOptions;
import io.jcap.cli.options.DebugVerbosity;
import io.jcap.model.JcapException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "login", description = {"Check a user and password with a registry and store them as docker login does.",
        "They go in $DOCKER_CONFIG/config.json, else ~/.docker/config.json, where jcap push, pull and run find them."})
final class LoginCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REGISTRY", description = "HOST or HOST:PORT (docker.io for Docker Hub).")
    String registry;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "The user (asked for when not given).")
    String user;

    @Option(names = "--password-stdin", description = "Read the password from standard input (else it is asked for).")
    boolean passwordStdin;

    @Mixin
    RegistryTlsOptions tls;

    @Mixin
    DebugVerbosity verbosity;

    @Override
    public Integer call() throws JcapException, InterruptedException {
        Console console = System.console();
        // Standard output redirected (jcap login ... > log) leaves no Console, but the user still
        // types on standard input's terminal: asked there, as docker login asks.
        TerminalPrompt prompt = console == null && TerminalPrompt.stdinIsTerminal()
                ? new TerminalPrompt(spec.commandLine().getErr(), System.in) : null;
        if (user == null) {
            if (console != null) {
                user = console.readLine("Username: ");
            } else if (prompt != null && !passwordStdin) {
                user = prompt.line("Username: ");
            } else {
                throw new CommandLine.ParameterException(spec.commandLine(), "jcap login needs -u USER when not on a terminal");
            }
        }
        Secret password = password(console, prompt);
        if (user == null || user.isBlank() || password.reveal().isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "jcap login needs a user and a non-empty password");
        }
        ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), verbosity.verbose());
        Path file = tls.access().login(registry, user, password, events);
        spec.commandLine().getOut().println("Login Succeeded: " + user + " at " + registry + ", stored in " + file);
        return 0;
    }

    private Secret password(Console console, TerminalPrompt prompt) throws JcapException {
        if (passwordStdin) {
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                return new Secret(line == null ? "" : line.strip());
            } catch (IOException e) {
                throw new JcapException("cannot read the password from standard input: " + e.getMessage(), e);
            }
        }
        if (console != null) {
            char[] typed = console.readPassword("Password: ");
            return new Secret(typed == null ? "" : new String(typed));
        }
        if (prompt != null) {
            String typed = prompt.secret("Password: ");
            return new Secret(typed == null ? "" : typed);
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                "jcap login needs --password-stdin when not on a terminal");
    }
}
