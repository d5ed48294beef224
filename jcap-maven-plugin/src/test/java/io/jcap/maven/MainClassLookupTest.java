package io.jcap.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.maven.model.Plugin;
import org.codehaus.plexus.util.xml.Xpp3DomBuilder;
import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainClassLookupTest {
    @Test
    void fromJarPlugin_readsTheManifestMainClass() throws Exception {
        Plugin plugin = new Plugin();
        plugin.setConfiguration(Xpp3DomBuilder.build(new StringReader(
                "<configuration><archive><manifest><mainClass> com.example.Main </mainClass></manifest></archive></configuration>")));
        assertEquals(Optional.of("com.example.Main"), MainClassLookup.fromJarPlugin(plugin));
    }

    @Test
    void fromJarPlugin_withoutMainClass_isEmpty() throws Exception {
        Plugin plugin = new Plugin();
        plugin.setConfiguration(Xpp3DomBuilder.build(new StringReader("<configuration><archive/></configuration>")));
        assertEquals(Optional.empty(), MainClassLookup.fromJarPlugin(plugin));
        assertEquals(Optional.empty(), MainClassLookup.fromJarPlugin(null));
    }

    @Test
    void fromManifest_readsMainClass(@TempDir Path dir) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "com.example.Jarred");
        Path jar = dir.resolve("app.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
        assertEquals(Optional.of("com.example.Jarred"), MainClassLookup.fromManifest(jar));
    }
}
