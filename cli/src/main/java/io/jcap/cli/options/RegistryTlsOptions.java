package io.jcap.cli.options;

import io.jcap.builder.registry.DockerConfig;
import io.jcap.builder.registry.RegistryAccess;
import io.jcap.builder.registry.RegistryTls;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --cert-dir DIR} and {@code --insecure}, shared by the commands that talk to a registry
 * (push to a registry reference, pull, login, run of a reference).
 *
 * <pre>{@code
 * @Mixin
 * RegistryTlsOptions tls;
 * ... tls.access().login(registry, user, password, events) ...
 * }</pre>
 */
public final class RegistryTlsOptions {
    @Option(names = "--cert-dir", paramLabel = "DIR",
            description = "Also trust the CA certificates (*.crt) in DIR, as skopeo's --cert-dir.")
    Path certDir;

    @Option(names = "--insecure", description = "Allow plain HTTP to a registry that is not on this machine.")
    boolean insecure;

    /** The options given, by name without dashes, as a push target takes them. */
    public void addTo(java.util.Map<String, java.util.List<String>> options) {
        if (certDir != null) {
            options.put("cert-dir", java.util.List.of(certDir.toString()));
        }
        if (insecure) {
            options.put("insecure", java.util.List.of("true"));
        }
    }

    /** The registries as the user's Docker credentials and these TLS settings reach them. */
    public RegistryAccess access() {
        return new RegistryAccess(DockerConfig.fromEnvironment(), tls());
    }

    /** The TLS settings given. */
    public RegistryTls tls() {
        return new RegistryTls(Optional.ofNullable(certDir), insecure);
    }
}
