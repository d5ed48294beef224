package io.jcap.cli;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.PushTarget;
import io.jcap.builder.push.PushTargets;
import io.jcap.builder.push.TargetOption;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.cli.options.RegistryTlsOptions;
import io.jcap.cli.options.DebugVerbosity;
import io.jcap.model.JcapException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "push", description = {"Upload an image from the local repository to a push target.",
        "Without a target, lists the targets and their options."})
final class PushCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE", description = "Image name.")
    String image;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TARGET", description = "Where to upload it: openstack,"
            + " libvirt, azure, aws, gce, or REGISTRY/REPOSITORY[:TAG] (an OCI registry).")
    String target;

    @Option(names = "--name", paramLabel = "NAME", description = "The image's name at the target (default: IMAGE).")
    String name;

    @Option(names = "--replace", description = "Replace the target's image of that name once the new one is there.")
    boolean replace;

    @Option(names = "--dry-run", description = "Say what would be sent where; send nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the result as one JSON object: target, id, name, bytesSent, sha256,"
            + " seconds.")
    boolean json;

    @ArgGroup(exclusive = false, heading = "%nOpenStack options:%n")
    OpenStackOptions openstack = new OpenStackOptions();

    @ArgGroup(exclusive = false, heading = "%nlibvirt options:%n")
    LibvirtOptions libvirt = new LibvirtOptions();

    @ArgGroup(exclusive = false, heading = "%nAzure options:%n")
    AzurePushOptions azure = new AzurePushOptions();

    @ArgGroup(exclusive = false, heading = "%nAWS options:%n")
    AwsPushOptions aws = new AwsPushOptions();

    @ArgGroup(exclusive = false, heading = "%nGCE options:%n")
    GcePushOptions gce = new GcePushOptions();

    @ArgGroup(exclusive = false, heading = "%nRegistry options (TARGET is REGISTRY/REPOSITORY[:TAG]):%n")
    RegistryOptions registry = new RegistryOptions();

    /** Shows debug messages. */
    @Mixin
    DebugVerbosity verbosity;

    /** The options of target {@code openstack}; each goes to the target by its name without dashes. */
    static final class OpenStackOptions {
        @Option(names = "--cloud", paramLabel = "NAME",
                description = "The cloud of clouds.yaml (default: OS_CLOUD, else the OS_* variables); for target azure,"
                        + " AzureCloud (the default), AzureUSGovernment or AzureChinaCloud.")
        String cloud;

        @Option(names = "--visibility", paramLabel = "VISIBILITY",
                description = "private (default), shared, community or public.")
        String visibility;

        @Option(names = "--property", paramLabel = "KEY=VALUE", description = "An image property; more than once.")
        List<String> properties = List.of();

        void addTo(Map<String, List<String>> options) {
            if (cloud != null) {
                options.put("cloud", List.of(cloud));
            }
            if (visibility != null) {
                options.put("visibility", List.of(visibility));
            }
            if (properties != null && !properties.isEmpty()) {
                options.put("property", properties);
            }
        }
    }

    /** The options of target {@code libvirt}. */
    static final class LibvirtOptions {
        @Option(names = "--connect", paramLabel = "URI",
                description = "The libvirt host (default: qemu:///system); qemu+ssh://USER@HOST/system for another.")
        String connect;

        @Option(names = "--pool", paramLabel = "NAME", description = "The storage pool (default: default).")
        String pool;

        @Option(names = "--volume", paramLabel = "NAME", description = "The volume's name (default: NAME.qcow2).")
        String volume;

        @Option(names = "--define", paramLabel = "DOMAIN", arity = "0..1", fallbackValue = "",
                description = "Also define a persistent domain booting the volume (default name: NAME);"
                        + " virsh start DOMAIN boots it.")
        String define;

        void addTo(Map<String, List<String>> options) {
            if (connect != null) {
                options.put("connect", List.of(connect));
            }
            if (pool != null) {
                options.put("pool", List.of(pool));
            }
            if (volume != null) {
                options.put("volume", List.of(volume));
            }
            if (define != null) {
                options.put("define", List.of(define));
            }
        }
    }

    /** TLS to a registry: --cert-dir, --insecure (a registry target's options, shared with pull and login). */
    @Mixin
    RegistryTlsOptions registryTls;

    /** The options of a registry target besides TLS. */
    static final class RegistryOptions {
        @Option(names = "--kubevirt-manifest", paramLabel = "FILE",
                description = "Also write a KubeVirt VirtualMachine booting the pushed image to FILE.")
        String kubevirtManifest;

        void addTo(Map<String, List<String>> options) {
            if (kubevirtManifest != null) {
                options.put("kubevirt-manifest", List.of(kubevirtManifest));
            }
        }
    }

    @Override
    public Integer call() throws JcapException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (target == null) {
            if (image != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "jcap push " + image + " needs a TARGET: one of " + String.join(", ", targetNames()));
            }
            listTargets(out);
            return 0;
        }
        PushTarget pushTarget = PushTargets.named(target);
        Map<String, List<String>> options = new LinkedHashMap<>();
        openstack.addTo(options);
        libvirt.addTo(options);
        azure.addTo(options);
        aws.addTo(options);
        gce.addTo(options);
        registry.addTo(options);
        registryTls.addTo(options);
        var stored = new ImageRepository(JcapHome.fromEnvironment().images()).get(image);
        PushRequest request;
        try {
            request = new PushRequest(stored, target, name == null ? image : name, replace, options, Jcap.version());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (dryRun) {
            List<String> plan = pushTarget.dryRun(request);
            if (json) {
                out.println(PushResult.dryRunJson(pushTarget.name(), plan));
            } else {
                plan.forEach(out::println);
            }
            return 0;
        }
        ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), verbosity.verbose());
        PushResult result = pushTarget.push(request, events);
        if (json) {
            out.println(result.toJson());
        } else {
            out.printf(Locale.ROOT, "Pushed %s to %s: %s (%s), %s in %.1f s, sha256 %s%n", image, result.target(),
                    result.remoteId(), result.remoteName(), ConsoleEvents.human(result.bytesSent()), result.seconds(),
                    result.sha256());
            result.replaced().forEach(id -> out.println("Replaced " + id));
        }
        return 0;
    }

    private static List<String> targetNames() {
        return PushTargets.all().stream().map(PushTarget::destination).toList();
    }

    private static void listTargets(PrintWriter out) {
        out.println("Push targets (jcap push IMAGE TARGET [OPTIONS]):");
        for (PushTarget t : PushTargets.all()) {
            out.printf("  %-10s %s%n", t.name(), t.summary());
            for (TargetOption o : t.options()) {
                out.printf("  %-10s   --%s: %s%n", "", o.name(), o.description());
            }
        }
    }
}
