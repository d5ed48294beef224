package io.jcap.maven;

import io.jcap.builder.push.PushRequest;
import io.jcap.builder.push.PushResult;
import io.jcap.builder.push.PushTarget;
import io.jcap.builder.push.PushTargets;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.model.JcapException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code mvn jcap:push -Djcap.target=openstack}: pushes the project's built image to a push target,
 * as {@code jcap push IMAGE TARGET} does: the same targets (found by the builder's
 * {@code PushTargets}), the same options by name, the same credentials from the environment.
 */
@Mojo(name = "push", threadSafe = true)
public class PushMojo extends ImageMojo {
    /** The target: {@code openstack}, {@code libvirt}, {@code aws}, {@code gce}, {@code azure} or a registry reference. */
    @Parameter(property = "jcap.target")
    String target;

    /** The image's name at the target; the image's own name when not set. */
    @Parameter(property = "jcap.remoteName")
    String remoteName;

    /** Replaces an image of the same name at the target once the new one is there. */
    @Parameter(property = "jcap.replace", defaultValue = "false")
    boolean replace;

    /** The target's options, each {@code NAME=value} with the name as {@code jcap push} spells it, without dashes. */
    @Parameter(property = "jcap.pushOptions")
    List<String> pushOptions;

    /** Says what would be sent where, contacting nothing. */
    @Parameter(property = "jcap.dryRun", defaultValue = "false")
    boolean dryRun;

    @Override
    PluginWords words() {
        return PluginWords.of("-Djcap.remoteName");
    }

    @Override
    void run() throws SettingException, JcapException, InterruptedException {
        if (target == null || target.isBlank()) {
            throw new SettingException(PomSettings.name("target") + " is not set: give one of "
                    + PushTargets.all().stream().map(PushTarget::destination).collect(Collectors.joining(", ")));
        }
        PushTarget pushTarget = PushTargets.named(target.strip());
        String image = imageName(settings());
        var stored = new ImageRepository(home().images()).get(image);
        PushRequest request;
        try {
            request = PushRequest.of(stored, target.strip()).withReplace(replace);
            if (remoteName != null && !remoteName.isBlank()) {
                request = request.withRemoteName(remoteName.strip());
            }
            for (String option : pushOptions == null ? List.<String>of() : pushOptions) {
                int eq = option.indexOf('=');
                if (eq <= 0) {
                    throw new SettingException(PomSettings.name("pushOptions") + ": '" + option
                            + "' is not NAME=value: write cloud=mycloud (the option's name without dashes)");
                }
                request = request.withOption(option.substring(0, eq).strip(), option.substring(eq + 1));
            }
        } catch (IllegalArgumentException e) {
            throw new SettingException(PomSettings.name("remoteName") + ": " + e.getMessage());
        }
        request.checkOptionsOf(pushTarget);
        if (dryRun) {
            pushTarget.dryRun(request).forEach(getLog()::info);
            return;
        }
        PushResult result = pushTarget.push(request, new MavenEvents(getLog()));
        getLog().info(String.format(Locale.ROOT, "Pushed %s to %s: %s (%s), %d bytes in %.1f s, sha256 %s", image,
                result.target(), result.remoteId(), result.remoteName(), result.bytesSent(), result.seconds(),
                result.sha256()));
        result.replaced().forEach(id -> getLog().info("Replaced " + id));
    }
}
