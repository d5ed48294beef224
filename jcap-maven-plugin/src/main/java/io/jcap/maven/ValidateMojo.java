package io.jcap.maven;

import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.Runtime;
import io.jcap.model.JcapException;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * {@code mvn jcap:validate}: checks the pom's settings and the project's Capstanfile (if any)
 * without building, and says what the image would hold: its main class, class path and settings.
 * Before {@code package} the classes need not be built yet: only the settings are checked.
 */
@Mojo(name = "validate", defaultPhase = LifecyclePhase.VALIDATE, requiresDependencyResolution = ResolutionScope.RUNTIME,
        threadSafe = true)
public class ValidateMojo extends ImageMojo {
    @Override
    void run() throws SettingException, JcapException {
        PomSettings settings = settings();
        String name = imageName(settings);
        Optional<String> foundMain = MainClassLookup.of(project);
        projectCapstanfile(settings.mainClass().or(() -> foundMain));
        if (!java.nio.file.Files.isDirectory(java.nio.file.Path.of(project.getBuild().getOutputDirectory()))) {
            getLog().info("Settings of image " + name + " are valid (classes not built yet: the class path is"
                    + " checked by jcap:build)");
            return;
        }
        Capstanfile composed = composeCapstanfile(settings);
        getLog().info("Settings of image " + name + " are valid");
        composed.runtime().filter(r -> r instanceof Runtime.Java).map(Runtime.Java.class::cast).ifPresent(java ->
                getLog().info("Java: main " + java.main().orElse("(the jar's)") + ", class path "
                        + java.classpath().stream().map(Object::toString).collect(Collectors.joining(":"))
                        + ", JVM flags " + java.jvmArgs() + ", args " + java.args()));
        getLog().info("Files: " + composed.files().size() + ", ports: " + composed.ports() + ", memory: "
                + composed.memory().map(Object::toString).orElse("default") + ", env: " + composed.env().keySet());
    }
}
