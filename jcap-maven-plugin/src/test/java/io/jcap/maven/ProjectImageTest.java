package io.jcap.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.CapstanfileParser;
import io.jcap.capstanfile.Runtime;
import io.jcap.model.ByteSize;
import io.jcap.model.GuestPath;
import io.jcap.model.PortMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectImageTest {
    @TempDir
    Path basedir;
    private ApplicationLayers layers;

    @BeforeEach
    void classes() throws Exception {
        Path classes = Files.createDirectories(basedir.resolve("target/classes"));
        Files.writeString(classes.resolve("Main.class"), "class");
        layers = ApplicationLayers.of(classes, List.of(
                new ApplicationLayers.Dependency("g", "dep", Files.writeString(basedir.resolve("dep-1.jar"), "jar"))));
    }

    private PomSettings settings(String... values) throws SettingException {
        // values: memory, ports (comma-separated), mainClass, extraFiles (comma-separated); "" for none
        return PomSettings.read(new PomSettings.Raw(null, null, values[0], null, List.of(values[1].split(",")),
                Map.of("FROM_POM", "1", "SHARED", "pom"), List.of("-Dpom=1"), values[2],
                List.of(values[3].split(",")), List.of("jdk.crypto.ec")), basedir);
    }

    @Test
    void compose_withoutCapstanfile_makesAJavaImageOfTheLayersAndTheSettings() throws Exception {
        Capstanfile c = ProjectImage.compose(basedir, Optional.empty(), settings("256M", "8080", "", ""), layers,
                Optional.of("com.example.FromJar"));
        Runtime.Java java = (Runtime.Java) c.runtime().orElseThrow();
        assertEquals(Optional.of("com.example.FromJar"), java.main());
        assertEquals(List.of(GuestPath.of("/app/classes"), GuestPath.of("/app/lib/dep-1.jar")), java.classpath());
        assertEquals(List.of("-Dpom=1", "--add-modules=jdk.crypto.ec"), java.jvmArgs());
        assertEquals(layers.files(), c.files());
        assertEquals(Optional.of(ByteSize.ofMebibytes(256)), c.memory());
        assertEquals(List.of(PortMapping.of(8080)), c.ports());
        assertEquals(Map.of("FROM_POM", "1", "SHARED", "pom"), c.env());
        assertEquals(List.of(), c.build());
        assertEquals(basedir.resolve("pom.xml"), c.file());
    }

    @Test
    void compose_withCapstanfile_putsThePomSettingsOnTop() throws Exception {
        Files.writeString(basedir.resolve("app.conf"), "conf");
        Files.writeString(basedir.resolve("Capstanfile"), String.join("\n",
                "build: mvn package",
                "files:",
                "  /etc/app.conf: app.conf",
                "memory: 512M",
                "cpus: 2",
                "ports: [\"9000:9000\", \"8080:80\"]",
                "env: {SHARED: file, FROM_FILE: \"1\"}",
                "runtime:",
                "  java:",
                "    main: com.example.FromFile",
                "    jvm_args: [-Dfile=1]",
                "    xmx: 64M",
                "    args: [serve]",
                ""));
        Capstanfile file = new CapstanfileParser().parse(basedir);
        Capstanfile c = ProjectImage.compose(basedir, Optional.of(file), settings("256M", "8080:8080", "", ""), layers,
                Optional.of("com.example.FromJar"));
        Runtime.Java java = (Runtime.Java) c.runtime().orElseThrow();
        assertEquals(Optional.of("com.example.FromFile"), java.main(), "the Capstanfile's main beats the jar's");
        assertEquals(List.of("-Dfile=1", "-Dpom=1", "--add-modules=jdk.crypto.ec"), java.jvmArgs());
        assertEquals(Optional.of(ByteSize.ofMebibytes(64)), java.xmx());
        assertEquals(List.of("serve"), java.args());
        assertEquals(basedir.resolve("app.conf"), c.files().get(GuestPath.of("/etc/app.conf")));
        assertEquals(Optional.of(ByteSize.ofMebibytes(256)), c.memory());
        assertEquals(OptionalInt.of(2), c.cpus());
        assertEquals(List.of(PortMapping.of(9000), PortMapping.of(8080)), c.ports(), "8080:8080 replaces 8080:80");
        assertEquals(Map.of("SHARED", "pom", "FROM_FILE", "1", "FROM_POM", "1"), c.env());
        assertEquals(List.of(), c.build(), "Maven built the project: no build command");
    }

    @Test
    void compose_pomMainClass_beatsEveryOtherSource() throws Exception {
        Capstanfile c = ProjectImage.compose(basedir, Optional.empty(), settings("", "", "com.example.Pom", ""),
                layers, Optional.of("com.example.FromJar"));
        assertEquals(Optional.of("com.example.Pom"), ((Runtime.Java) c.runtime().orElseThrow()).main());
    }

    @Test
    void compose_capstanfileJar_runsOnTheClassPathWithTheFoundMainClass() throws Exception {
        Files.writeString(basedir.resolve("extra.jar"), "jar");
        Files.writeString(basedir.resolve("Capstanfile"), "files:\n  /opt/extra.jar: extra.jar\nruntime:\n  java:\n"
                + "    jar: /opt/extra.jar\n");
        Capstanfile file = new CapstanfileParser().parse(basedir);
        Runtime.Java java = (Runtime.Java) ProjectImage.compose(basedir, Optional.of(file), settings("", "", "", ""),
                layers, Optional.of("com.example.FromJar")).runtime().orElseThrow();
        assertEquals(Optional.of("com.example.FromJar"), java.main(), "-cp with the layers, not -jar");
        assertEquals(Optional.of(GuestPath.of("/opt/extra.jar")), java.jar());
        assertEquals(List.of(GuestPath.of("/app/classes"), GuestPath.of("/app/lib/dep-1.jar")), java.classpath());
    }

    @Test
    void compose_noMainClassAnywhere_saysWhereToSetOne() {
        SettingException e = assertThrows(SettingException.class, () -> ProjectImage.compose(basedir, Optional.empty(),
                settings("", "", "", ""), layers, Optional.empty()));
        assertEquals("no main class for the image: set <mainClass> (-Djcap.mainClass) in the jcap-maven-plugin's"
                + " <configuration>, or <archive><manifest><mainClass> in the maven-jar-plugin's", e.getMessage());
    }

    @Test
    void compose_extraFileInsideALayer_isRefusedNamingTheSetting() throws Exception {
        Files.writeString(basedir.resolve("x.jar"), "x");
        SettingException e = assertThrows(SettingException.class, () -> ProjectImage.compose(basedir, Optional.empty(),
                settings("", "", "", "/app/lib/x.jar=x.jar"), layers, Optional.of("com.example.Main")));
        assertEquals("<extraFiles> (-Djcap.extraFiles): /app/lib/x.jar lies in /app/classes or /app/lib, where the"
                + " plugin puts the project's classes and dependencies: choose another guest path", e.getMessage());
    }

    @Test
    void compose_nativeCapstanfile_isRefused() throws Exception {
        Files.writeString(basedir.resolve("Capstanfile"), "cmdline: /hello\nruntime: native\n");
        Capstanfile file = new CapstanfileParser().parse(basedir);
        SettingException e = assertThrows(SettingException.class, () -> ProjectImage.compose(basedir,
                Optional.of(file), settings("", "", "", ""), layers, Optional.of("com.example.Main")));
        assertEquals("the project's Capstanfile says runtime: native, and the Maven plugin builds Java images:"
                + " remove the runtime key or make it runtime: java", e.getMessage());
    }
}
