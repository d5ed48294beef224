package io.jcap.maven;

import io.jcap.builder.ImageRunner;
import io.jcap.builder.Instances;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.instance.Instance;
import io.jcap.model.JcapException;
import java.util.OptionalInt;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code mvn jcap:run}: runs the project's built image as {@code jcap run} does: in the
 * foreground, the application's output in Maven's log and its exit status failing the build when
 * not 0; or detached ({@code -Djcap.detach}), returning once the guest runs ({@code jcap stop}
 * and {@code jcap rm} end it). The pom's {@code ports}, {@code memory}, {@code cpus} and {@code env}
 * apply to this run.
 */
@Mojo(name = "run", threadSafe = true)
public class RunMojo extends ImageMojo {
    /** Runs the image detached, as {@code jcap run -d}. */
    @Parameter(property = "jcap.detach", defaultValue = "false")
    boolean detach;

    /** The detached instance's name; derived from the image name when not set. */
    @Parameter(property = "jcap.name")
    String name;

    @Override
    PluginWords words() {
        return PluginWords.of("-Djcap.name");
    }

    @Override
    void run() throws SettingException, JcapException, InterruptedException, MojoFailureException {
        PomSettings settings = settings();
        RunRequest request;
        try {
            request = RunRequest.of(imageName(settings))
                    .withPorts(settings.ports())
                    .withEnv(settings.env())
                    .withMemoryMiB(settings.memory().map(m -> OptionalInt.of((int) m.mebibytes())).orElse(OptionalInt.empty()))
                    .withCpus(settings.cpus());
        } catch (IllegalArgumentException e) {
            throw new SettingException(PomSettings.name("memory") + ", " + PomSettings.name("cpus") + " or "
                    + PomSettings.name("env") + ": " + e.getMessage());
        }
        MavenEvents events = new MavenEvents(getLog());
        if (detach) {
            if (name != null && !name.isBlank()) {
                try {
                    request = request.withName(name);
                } catch (IllegalArgumentException e) {
                    throw new SettingException("-Djcap.name: " + e.getMessage());
                }
            }
            Instance instance = new Instances(home(), events).start(request);
            getLog().info("Instance " + instance.name() + " runs detached: jcap logs " + instance.name()
                    + " shows its console, jcap stop " + instance.name() + " stops it");
            return;
        }
        String image = request.image();
        int status = new ImageRunner(home(), events).run(request, line -> getLog().info("[" + image + "] " + line));
        if (status != 0) {
            throw new MojoFailureException("the application in image " + request.image() + " exited with status " + status);
        }
    }
}
