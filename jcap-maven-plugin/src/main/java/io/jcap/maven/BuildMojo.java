package io.jcap.maven;

import io.jcap.builder.ImageBuilder;
import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.BuildResult;
import io.jcap.model.JcapException;
import java.util.Optional;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * {@code mvn package jcap:build}: builds the project's image into jcap's image repository
 * ({@code $JCAP_HOME}, else {@code ~/.jcap}), where {@code jcap images} lists it and
 * {@code jcap run} runs it. An image whose inputs are unchanged is reused.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, requiresDependencyResolution = ResolutionScope.RUNTIME,
        threadSafe = true)
public class BuildMojo extends ImageMojo {
    /** Builds even when an image with the same inputs is stored. */
    @Parameter(property = "jcap.force", defaultValue = "false")
    boolean force;

    /**
     * The reproducible-build time the project's jars get, read as maven-jar-plugin reads it: a
     * {@code -Dproject.build.outputTimestamp=...} on the command line wins over the pom's.
     */
    @Parameter(defaultValue = "${" + OutputTimestamp.PROPERTY + "}", readonly = true)
    String outputTimestamp;

    @Override
    void run() throws SettingException, JcapException, InterruptedException {
        PomSettings settings = settings();
        String name = imageName(settings);
        // Files get the project's reproducible-build time, as its jars do.
        BuildRequest request = new BuildRequest(basedir(), Optional.of(name), Optional.empty(), force)
                .withFileTime(OutputTimestamp.seconds(outputTimestamp));
        BuildResult result = new ImageBuilder(home(), new MavenEvents(getLog()))
                .build(request, composeCapstanfile(settings));
        getLog().info((result.reused() ? "Image " + name + " is up to date: " : "Built image " + name + ": ")
                + result.image().file() + " (run it with jcap run " + name + " or mvn jcap:run)");
    }
}
