package io.jcap.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.GuestPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplicationLayersTest {
    @TempDir
    Path dir;
    private Path classes;

    @BeforeEach
    void classes() throws Exception {
        classes = Files.createDirectories(dir.resolve("target/classes"));
        Files.createDirectories(classes.resolve("com/example"));
        Files.writeString(classes.resolve("com/example/Main.class"), "class");
        Files.writeString(classes.resolve("app.properties"), "x=1");
    }

    /** The class path of the project's classes and jars {@code group:artifact:file, ...}, as guest paths. */
    private List<String> classpathOf(String... dependencies) throws Exception {
        List<ApplicationLayers.Dependency> list = new java.util.ArrayList<>();
        for (String d : dependencies) {
            String[] parts = d.split(":");
            list.add(new ApplicationLayers.Dependency(parts[0], parts[1], Path.of(parts[2])));
        }
        return ApplicationLayers.of(classes, list).classpath().stream().map(GuestPath::toString).toList();
    }

    @Test
    void of_keepsMavenOrderOnTheClassPath_classesFirst() throws Exception {
        assertEquals(List.of("/app/classes", "/app/lib/zeta-1.jar", "/app/lib/alpha-2.jar"),
                classpathOf("z.last:zeta:/m2/zeta-1.jar", "a.first:alpha:/m2/alpha-2.jar"));
        ApplicationLayers layers = ApplicationLayers.of(classes, List.of(
                new ApplicationLayers.Dependency("z.last", "zeta", Path.of("/m2/zeta-1.jar")),
                new ApplicationLayers.Dependency("a.first", "alpha", Path.of("/m2/alpha-2.jar"))));
        assertEquals(Map.of(GuestPath.of("/app/classes/app.properties"), classes.resolve("app.properties"),
                GuestPath.of("/app/classes/com/example/Main.class"), classes.resolve("com/example/Main.class"),
                GuestPath.of("/app/lib/zeta-1.jar"),
                Path.of("/m2/zeta-1.jar"), GuestPath.of("/app/lib/alpha-2.jar"), Path.of("/m2/alpha-2.jar")),
                layers.files());
    }

    @Test
    void of_sameFileNameInTwoGroups_prefixesBothWithTheirGroup() throws Exception {
        assertEquals(List.of("/app/classes", "/app/lib/org.one-util-1.0.jar", "/app/lib/org.two-util-1.0.jar"),
                classpathOf("org.one:util:/m2/one/util-1.0.jar", "org.two:util:/m2/two/util-1.0.jar"));
    }

    @Test
    void of_reactorModulesBuiltToCompile_areFoldersNamedByArtifactId() throws Exception {
        Path one = Files.createDirectories(dir.resolve("one/target/classes"));
        Path two = Files.createDirectories(dir.resolve("two/target/classes"));
        Files.writeString(two.resolve("Two.class"), "two");
        ApplicationLayers layers = ApplicationLayers.of(classes, List.of(
                new ApplicationLayers.Dependency("it.jcap", "one", one),
                new ApplicationLayers.Dependency("it.jcap", "two", two)));
        assertEquals(List.of(GuestPath.of("/app/classes"), GuestPath.of("/app/lib/one"), GuestPath.of("/app/lib/two")),
                layers.classpath());
        assertEquals(two.resolve("Two.class"), layers.files().get(GuestPath.of("/app/lib/two/Two.class")));
    }

    /** A resource named x\y went to /app/classes/x/y, where x/y, a file of its own, went too. */
    @Test
    void of_keepsABackslashInAResourceName() throws Exception {
        Files.writeString(Files.createDirectories(classes.resolve("x")).resolve("y"), "slash");
        Files.writeString(classes.resolve("x\\y"), "backslash");

        Map<GuestPath, Path> files = ApplicationLayers.of(classes, List.of()).files();

        assertEquals(classes.resolve("x/y"), files.get(GuestPath.of("/app/classes/x/y")));
        assertEquals(classes.resolve("x\\y"), files.get(GuestPath.of("/app/classes/x\\y")));
    }

    @Test
    void reserved_coversBothLayersAndNothingElse() {
        assertTrue(ApplicationLayers.reserved(GuestPath.of("/app/classes")));
        assertTrue(ApplicationLayers.reserved(GuestPath.of("/app/classes/x.properties")));
        assertTrue(ApplicationLayers.reserved(GuestPath.of("/app/lib/a.jar")));
        assertFalse(ApplicationLayers.reserved(GuestPath.of("/app/app.conf")));
        assertFalse(ApplicationLayers.reserved(GuestPath.of("/app/library")));
    }
}
