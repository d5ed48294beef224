package io.jcap.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.ByteSize;
import io.jcap.model.GuestPath;
import io.jcap.model.PortMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PomSettingsTest {
    @TempDir
    Path basedir;

    private static PomSettings.Raw raw(String memory, String cpus, List<String> ports, Map<String, String> env,
                                       List<String> extraFiles) {
        return new PomSettings.Raw("app", null, memory, cpus, ports, env, List.of("-Xss512k"), "com.example.Main",
                extraFiles, List.of("jdk.crypto.ec"));
    }

    @Test
    void read_goodValues_parsesEachSetting() throws Exception {
        Files.writeString(basedir.resolve("app.conf"), "x");
        PomSettings s = PomSettings.read(raw("256M", "2", List.of("8080", "18080:80/udp"), Map.of("GREETING", "hi"),
                List.of("/etc/app.conf=app.conf")), basedir);
        assertEquals(Optional.of("app"), s.image());
        assertEquals(Optional.of(ByteSize.ofMebibytes(256)), s.memory());
        assertEquals(OptionalInt.of(2), s.cpus());
        assertEquals(List.of(PortMapping.of(8080), new PortMapping(18080, 80, PortMapping.Protocol.UDP)), s.ports());
        assertEquals(Map.of("GREETING", "hi"), s.env());
        assertEquals(Map.of(GuestPath.of("/etc/app.conf"), basedir.resolve("app.conf")), s.extraFiles());
        assertEquals(List.of("jdk.crypto.ec"), s.jlinkModules());
        assertEquals(List.of("-Xss512k"), s.jvmFlags());
    }

    @Test
    void read_blankValues_areNotGiven() throws Exception {
        PomSettings s = PomSettings.read(new PomSettings.Raw(" ", "", null, " ", null, null, null, "", null, null),
                basedir);
        assertEquals(Optional.empty(), s.image());
        assertEquals(Optional.empty(), s.kernel());
        assertEquals(Optional.empty(), s.memory());
        assertEquals(OptionalInt.empty(), s.cpus());
        assertEquals(Optional.empty(), s.mainClass());
        assertEquals(List.of(), s.ports());
    }

    @Test
    void read_badValues_reportsEverySettingByPomAndPropertyName() {
        SettingException e = assertThrows(SettingException.class, () -> PomSettings.read(new PomSettings.Raw(
                "My App", null, "512", "0", List.of("80:x"), Map.of("1BAD", "v"), List.of(), "com.example.",
                List.of("etc/x=missing", "/etc/y"), List.of("jdk crypto")), basedir));
        assertEquals(String.join("\n",
                "<image> (-Djcap.image): image name 'My App' is not allowed: use 1 to 63 lower-case letters, digits,"
                        + " '.', '_' or '-', starting with a letter or digit",
                "<memory> (-Djcap.memory): " + sizeMessage("512"),
                "<cpus> (-Djcap.cpus): '0' is not a number of CPUs: use 1 to 64",
                "<ports> (-Djcap.ports): '80:x' is not a port mapping: use HOST:GUEST or GUEST, optionally with /tcp"
                        + " or /udp (8080:80, 53/udp)",
                "<env> (-Djcap.env): variable name '1BAD' is not allowed: use letters, digits and '_', not starting"
                        + " with a digit",
                "<mainClass> (-Djcap.mainClass): 'com.example.' is not a class name: give the fully qualified name,"
                        + " such as com.example.Main",
                "<extraFiles> (-Djcap.extraFiles): guest path 'etc/x' must be absolute (start with /)",
                "<extraFiles> (-Djcap.extraFiles): '/etc/y' is not GUEST=HOST: write /etc/app.conf=src/main/jcap/app.conf",
                "<jlinkModules> (-Djcap.jlinkModules): 'jdk crypto' is not a module name: use names such as"
                        + " jdk.crypto.ec or java.sql"), e.getMessage());
    }

    @Test
    void read_extraFilesOfTheKernelsProcOrNotRegular_areRefused() throws Exception {
        Files.createDirectory(basedir.resolve("conf.d"));
        SettingException e = assertThrows(SettingException.class, () -> PomSettings.read(raw(null, null, List.of(),
                Map.of(), List.of("/etc/pool=/proc/sys/kernel/random/poolsize", "/dev/zero=/dev/zero", "/etc/c=conf.d")),
                basedir));

        assertEquals(String.join("\n",
                "<extraFiles> (-Djcap.extraFiles): host file '/proc/sys/kernel/random/poolsize' of /etc/pool is a file"
                        + " of the kernel's proc, whose size is not its content: copy it to a file first",
                "<extraFiles> (-Djcap.extraFiles): host file '/dev/zero' of /dev/zero is not a regular file (resolved to"
                        + " /dev/zero): jcap copies files, not folders, devices, FIFOs or sockets",
                "<extraFiles> (-Djcap.extraFiles): host file 'conf.d' of /etc/c is not a regular file (resolved to "
                        + basedir.resolve("conf.d") + "): jcap copies files, not folders, devices, FIFOs or sockets"),
                e.getMessage());
    }

    /** As a Capstanfile's files: a relative host path stays in the project folder, through links too. */
    @Test
    void read_extraFilesLeavingTheProjectFolder_areRefused_absolutePathsAreTaken() throws Exception {
        Path project = Files.createDirectories(basedir.resolve("project"));
        Path outside = Files.writeString(basedir.resolve("secret.txt"), "secret\n");
        Files.createSymbolicLink(project.resolve("link"), outside);
        SettingException e = assertThrows(SettingException.class, () -> PomSettings.read(raw(null, null, List.of(),
                Map.of(), List.of("/a=../secret.txt", "/b=link")), project));
        PomSettings absolute = PomSettings.read(raw(null, null, List.of(), Map.of(), List.of("/c=" + outside)), project);

        assertEquals(String.join("\n",
                "<extraFiles> (-Djcap.extraFiles): host path '../secret.txt' of /a leaves the project folder " + project
                        + ": use a path inside it, or an absolute path",
                "<extraFiles> (-Djcap.extraFiles): host path 'link' of /b leads out of the project folder " + project
                        + " through a symbolic link (to " + outside.toRealPath() + "): name the file by its absolute"
                        + " path if it is meant"), e.getMessage());
        assertEquals(Map.of(GuestPath.of("/c"), outside), absolute.extraFiles());
    }

    @Test
    void read_memoryAndPorts_followTheCapstanfilesRules() {
        for (String memory : List.of("1K", "16M", "99999T")) {
            SettingException e = assertThrows(SettingException.class, () -> PomSettings.read(raw(memory, null, List.of(),
                    Map.of(), List.of()), basedir));
            String expected;
            try {
                io.jcap.model.GuestMemory.parse(memory);
                throw new AssertionError(memory + " parsed");
            } catch (IllegalArgumentException refused) {
                expected = refused.getMessage();
            }
            assertEquals("<memory> (-Djcap.memory): " + expected, e.getMessage());
        }
        SettingException ports = assertThrows(SettingException.class, () -> PomSettings.read(raw(null, null,
                List.of("28931:8080", "28931:9090"), Map.of(), List.of()), basedir));
        assertEquals("<ports> (-Djcap.ports): host port 28931/tcp is given twice: give each port its own host port",
                ports.getMessage());
    }

    @Test
    void read_missingExtraFile_namesTheFileAndWhereItWasLookedFor() {
        SettingException e = assertThrows(SettingException.class, () -> PomSettings.read(raw(null, null, List.of(),
                Map.of(), List.of("/etc/app.conf=conf/app.conf")), basedir));
        assertEquals("<extraFiles> (-Djcap.extraFiles): host file 'conf/app.conf' of /etc/app.conf does not exist"
                + " (resolved to " + basedir.resolve("conf/app.conf") + ")", e.getMessage());
    }

    private static String sizeMessage(String text) {
        try {
            ByteSize.parse(text);
            throw new AssertionError(text + " parsed");
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
