package io.jcap.maven;

import io.jcap.builder.api.JcapHome;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.CapstanfileParser;
import io.jcap.model.FailureReason;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * The settings every goal shares: the image's settings, mirroring the Capstanfile's keys, each
 * settable in the pom or as {@code -Djcap.KEY=}. A {@code Capstanfile} in the project folder is
 * read first and these settings go on top of it.
 */
abstract class ImageMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    MavenSession session;

    /** The image name; the project's artifactId when not set. */
    @Parameter(property = "jcap.image")
    String image;

    /** The kernel: {@code linux} (the default), {@code osv} or a name from {@code jcap kernels list}. */
    @Parameter(property = "jcap.kernel")
    String kernel;

    /** The VM's memory, written like the Capstanfile's ({@code 256M}). */
    @Parameter(property = "jcap.memory")
    String memory;

    /** The VM's CPUs, 1 to 64. */
    @Parameter(property = "jcap.cpus")
    String cpus;

    /** Ports forwarded from 127.0.0.1: {@code HOST:GUEST} or {@code GUEST}, optionally {@code /udp}. */
    @Parameter(property = "jcap.ports")
    List<String> ports;

    /** Environment variables; on the command line {@code -Djcap.env=NAME=value,NAME=value}. */
    @Parameter
    Map<String, String> env;

    /** JVM options, after the Capstanfile's {@code jvm_args}. */
    @Parameter(property = "jcap.jvmFlags")
    List<String> jvmFlags;

    /** The main class; by default from maven-jar-plugin's configuration or the jar's manifest. */
    @Parameter(property = "jcap.mainClass")
    String mainClass;

    /** Further files, each {@code GUEST=HOST} with the host path relative to the project folder. */
    @Parameter(property = "jcap.extraFiles")
    List<String> extraFiles;

    /** JDK modules the runtime gets besides those jdeps finds ({@code jdk.crypto.ec}). */
    @Parameter(property = "jcap.jlinkModules")
    List<String> jlinkModules;

    /** Skips the goal. */
    @Parameter(property = "jcap.skip", defaultValue = "false")
    boolean skip;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping jcap (jcap.skip)");
            return;
        }
        if ("pom".equals(project.getPackaging())) {
            getLog().info("Skipping jcap: " + project.getArtifactId() + " has packaging pom (no classes to run)");
            return;
        }
        try {
            run();
        } catch (SettingException e) {
            throw new MojoFailureException(e.getMessage());
        } catch (JcapException e) {
            throw new MojoFailureException("jcap: " + words().rewrite(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("jcap: interrupted");
        }
    }

    /** How jcap's messages name this goal's settings: {@code --name} is the image's name here. */
    PluginWords words() {
        return PluginWords.of("-Djcap.image");
    }

    /** The goal's work, after the skips. */
    abstract void run() throws SettingException, JcapException, InterruptedException, MojoFailureException;

    Path basedir() {
        return project.getBasedir().toPath().toAbsolutePath().normalize();
    }

    JcapHome home() {
        return JcapHome.fromEnvironment();
    }

    PomSettings settings() throws SettingException {
        return PomSettings.read(new PomSettings.Raw(image, kernel, memory, cpus, ports, environment(), jvmFlags,
                mainClass, extraFiles, jlinkModules), basedir());
    }

    /** The image's name: the pom's {@code <image>}, else the artifactId. */
    String imageName(PomSettings settings) throws SettingException {
        String name = settings.image().orElse(project.getArtifactId());
        try {
            return io.jcap.builder.repository.ImageName.check(name);
        } catch (IllegalArgumentException e) {
            throw new SettingException(PomSettings.name("image") + ": the artifactId makes an " + e.getMessage()
                    + ": set <image> to a name that is");
        }
    }

    /** The Capstanfile the project's image is built from, pom settings included. */
    Capstanfile composeCapstanfile(PomSettings settings) throws SettingException, JcapException {
        Path classes = Path.of(project.getBuild().getOutputDirectory());
        if (!Files.isDirectory(classes)) {
            throw new SettingException("the project's classes are not built (" + classes + " is missing): run"
                    + " mvn package jcap:build, or bind jcap:build to the package phase");
        }
        List<ApplicationLayers.Dependency> dependencies = project.getArtifacts().stream()
                .filter(a -> a.getArtifactHandler().isAddedToClasspath() && a.getFile() != null)
                .filter(a -> !Artifact.SCOPE_TEST.equals(a.getScope()) && !Artifact.SCOPE_PROVIDED.equals(a.getScope())
                        && !Artifact.SCOPE_SYSTEM.equals(a.getScope()))
                .map(a -> new ApplicationLayers.Dependency(a.getGroupId(), a.getArtifactId(), a.getFile().toPath()))
                .toList();
        ApplicationLayers layers;
        try {
            layers = ApplicationLayers.of(classes, dependencies);
        } catch (IOException e) {
            throw new JcapException("cannot list the project's classes in " + classes + ": " + FailureReason.withFile(e), e);
        }
        Optional<String> foundMain = MainClassLookup.of(project);
        return ProjectImage.compose(basedir(), projectCapstanfile(settings.mainClass().or(() -> foundMain)), settings,
                layers, foundMain);
    }

    /**
     * The project's own Capstanfile, when it has one; its {@code build} command is not run, Maven
     * built the project. It need not name a command when the pom or the jar names the main class.
     */
    Optional<Capstanfile> projectCapstanfile(Optional<String> mainClass) throws JcapException {
        Path file = basedir().resolve(CapstanfileParser.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Capstanfile parsed = new CapstanfileParser().withDefaultMain(mainClass).parse(file, basedir());
        if (!parsed.build().isEmpty()) {
            getLog().warn("The Capstanfile's build command (" + String.join(" ", parsed.build())
                    + ") is not run by the Maven plugin: Maven builds the project");
        }
        return Optional.of(parsed);
    }

    /** {@code <env>} from the pom, then {@code -Djcap.env=NAME=value,...}, which wins. */
    private Map<String, String> environment() throws SettingException {
        Map<String, String> all = new LinkedHashMap<>(env == null ? Map.of() : env);
        String line = session == null ? null : session.getUserProperties().getProperty("jcap.env",
                session.getSystemProperties().getProperty("jcap.env"));
        if (line != null && !line.isBlank()) {
            for (String pair : line.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new SettingException(PomSettings.name("env") + ": '" + pair
                            + "' is not NAME=value: write -Djcap.env=GREETING=hi,DEBUG=1");
                }
                all.put(pair.substring(0, eq).strip(), pair.substring(eq + 1));
            }
        }
        return all;
    }
}
