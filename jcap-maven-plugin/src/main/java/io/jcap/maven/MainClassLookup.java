package io.jcap.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.JarFile;
import org.apache.maven.model.Plugin;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;

/**
 * Where a project names its main class when the plugin's {@code <mainClass>} does not: the
 * maven-jar-plugin's {@code <archive><manifest><mainClass>}, else the {@code Main-Class} of the
 * jar the build made.
 */
final class MainClassLookup {
    private static final String JAR_PLUGIN = "org.apache.maven.plugins:maven-jar-plugin";

    private MainClassLookup() {
    }

    static Optional<String> of(MavenProject project) throws SettingException {
        Optional<String> configured = fromJarPlugin(project.getPlugin(JAR_PLUGIN));
        if (configured.isPresent()) {
            return configured;
        }
        Path jar = project.getArtifact() == null || project.getArtifact().getFile() == null ? null
                : project.getArtifact().getFile().toPath();
        return jar == null || !Files.isRegularFile(jar) ? Optional.empty() : fromManifest(jar);
    }

    static Optional<String> fromJarPlugin(Plugin plugin) {
        if (plugin == null || !(plugin.getConfiguration() instanceof Xpp3Dom configuration)) {
            return Optional.empty();
        }
        Xpp3Dom archive = configuration.getChild("archive");
        Xpp3Dom manifest = archive == null ? null : archive.getChild("manifest");
        Xpp3Dom main = manifest == null ? null : manifest.getChild("mainClass");
        return main == null || main.getValue() == null || main.getValue().isBlank() ? Optional.empty()
                : Optional.of(main.getValue().strip());
    }

    static Optional<String> fromManifest(Path jar) throws SettingException {
        try (JarFile file = new JarFile(jar.toFile())) {
            var manifest = file.getManifest();
            String main = manifest == null ? null : manifest.getMainAttributes().getValue("Main-Class");
            return main == null || main.isBlank() ? Optional.empty() : Optional.of(main.strip());
        } catch (IOException e) {
            throw new SettingException("cannot read the manifest of " + jar + ": " + e.getMessage()
                    + " (set " + PomSettings.name("mainClass") + " to name the main class)");
        }
    }
}
