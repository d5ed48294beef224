package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.api.BootMode;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.model.ByteSize;
import io.jcap.model.GuestPath;
import io.jcap.model.PortMapping;
import io.jcap.model.VolumeMount;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Commands receive domain values for converted options, and a refused value is a usage error
 * (exit 2) whose first line names the option as it always has.
 */
class OptionValuesTest {
    private static String firstErrorLine(int expectedExit, String... args) {
        JcapTest.Result r = JcapTest.jcap(args);
        assertEquals(expectedExit, r.code(), r.err());
        return r.err().lines().findFirst().orElse("");
    }

    private static <T> T parsed(T command, String... args) {
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void run_convertedOptions_reachTheCommandAsDomainValues() {
        RunCommand run = parsed(new RunCommand(), "-m", "1G", "-p", "18080:8080", "--publish", "53/udp", "--boot", "disk",
                "--driver", "libvirt", "--connect", "qemu:///system", "hello");

        assertEquals(ByteSize.ofMebibytes(1024), run.memory);
        assertEquals(List.of(PortMapping.parse("18080:8080"), PortMapping.parse("53/udp")), run.publish);
        assertEquals(BootMode.DISK, run.boot);
        assertEquals(LibvirtUri.SYSTEM, run.connect);
    }

    @Test
    void stop_timeout_isADuration_tenSecondsByDefault() {
        assertEquals(Duration.ofSeconds(10), parsed(new StopCommand(), "web").timeout);
        assertEquals(Duration.ofMillis(500), parsed(new StopCommand(), "-t", "500ms", "web").timeout);
        assertEquals(Duration.ofMinutes(2), parsed(new StopCommand(), "--timeout", "2m", "web").timeout);
    }

    @Test
    void imagesLs_path_isAGuestPath_rootByDefault() {
        assertEquals(GuestPath.ROOT, parsed(new ImagesCommand.Ls(), "hello").path);
        assertEquals(GuestPath.of("/app"), parsed(new ImagesCommand.Ls(), "hello", "/app").path);
    }

    @Test
    void run_badPorts_nameTheOptionAndTheSyntax() {
        assertEquals("-p: '80:' is not a port mapping: use HOST:GUEST or GUEST, optionally with /tcp or /udp"
                + " (8080:80, 53/udp)", firstErrorLine(2, "run", "-p", "80:", "hello"));
        assertEquals("-p: '8080:80/sctp' is not a port mapping: use HOST:GUEST or GUEST, optionally with /tcp or /udp"
                + " (8080:80, 53/udp)", firstErrorLine(2, "run", "--publish", "8080:80/sctp", "hello"));
        assertEquals("-p: host port 70000 is outside 1..65535", firstErrorLine(2, "run", "-p", "70000:80", "hello"));
        assertEquals("-p: guest port 0 is outside 1..65535", firstErrorLine(2, "run", "-p", "8080:0", "hello"));
    }

    @Test
    void run_volumes_reachTheCommandInOrder_andABadOneNamesTheOptionAndTheSyntax() {
        RunCommand run = parsed(new RunCommand(), "--volume", "data:/data", "--volume", "./d.img:/seed:ro", "hello");

        assertEquals(List.of(VolumeMount.parse("data:/data"), new VolumeMount("./d.img", "/seed", true)), run.volumes);
        assertEquals("--volume: 'data' is not a volume: use " + VolumeMount.EXPECTED,
                firstErrorLine(2, "run", "--volume", "data", "hello"));
        assertTrue(firstErrorLine(2, "run", "--volume", "data:/../etc", "hello")
                .startsWith("--volume: volume folder '/../etc' is not allowed"));
    }

    @Test
    void volumeCreate_size_takesUsersSpellings_aGibiByteByDefault() {
        assertEquals(ByteSize.ofMebibytes(1024), parsed(new VolumeCommand.Create(), "data").size);
        assertEquals(ByteSize.ofMebibytes(512), parsed(new VolumeCommand.Create(), "--size", "512m", "data").size);
        assertTrue(firstErrorLine(2, "volume", "create", "--size", "lots", "data").startsWith("--size: "));
    }

    @Test
    void run_memory_takesUsersSpellings_eitherName() {
        for (String[] spelling : new String[][] {{"128m", "128"}, {"128M", "128"}, {"512mb", "512"},
                {"512MiB", "512"}, {"512 MiB", "512"}, {"1GiB", "1024"}, {"1 G", "1024"}, {"2gb", "2048"},
                {"65536k", "64"}}) {
            ByteSize expected = ByteSize.ofMebibytes(Long.parseLong(spelling[1]));
            assertEquals(expected, parsed(new RunCommand(), "-m", spelling[0], "hello").memory, spelling[0]);
            assertEquals(expected, parsed(new RunCommand(), "--memory", spelling[0], "hello").memory, spelling[0]);
            assertEquals(expected, parsed(new RunCommand(), "--memory=" + spelling[0], "hello").memory, spelling[0]);
        }
    }

    @Test
    void run_badMemory_namesTheOptionAndTheRule() {
        assertEquals("-m: '12x' is not a size: use a whole number and a unit K, M, G or T (1K = 1024 bytes), in either"
                + " case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)", firstErrorLine(2, "run", "-m", "12x", "hello"));
        assertEquals("-m: '12x' is not a size: use a whole number and a unit K, M, G or T (1K = 1024 bytes), in either"
                + " case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)",
                firstErrorLine(2, "run", "--memory", "12x", "hello"));
        assertEquals("-m: '256' is not a size: use a whole number and a unit K, M, G or T (1K = 1024 bytes), in either"
                + " case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)", firstErrorLine(2, "run", "-m", "256", "hello"));
        assertEquals("-m: '16M' is too little memory: give at least 32M", firstErrorLine(2, "run", "-m", "16M", "hello"));
        assertEquals("-m: '1500K' is not a whole number of MiB (use M or G: 256M, 1G)",
                firstErrorLine(2, "run", "--memory", "1500K", "hello"));
        assertEquals("-m: '99999999G' is too much memory", firstErrorLine(2, "run", "-m", "99999999G", "hello"));
    }

    @Test
    void stop_badTimeout_isNamedByItsLongName_eitherWayTyped() {
        assertEquals("--timeout: '10x' is not a duration: use a number of seconds, or one with ms, s or m (10, 10s, 500ms, 2m)",
                firstErrorLine(2, "stop", "-t", "10x", "web"));
    }

    @Test
    void runAndBuild_badAccelerator_listTheChoices() {
        assertEquals("--accel: 'xyz' is not an accelerator: use auto, kvm or tcg",
                firstErrorLine(2, "run", "--accel", "xyz", "hello"));
        assertEquals("--accel: 'xyz' is not an accelerator: use auto, kvm or tcg",
                firstErrorLine(2, "build", "--accel", "xyz"));
    }

    @Test
    void build_badAccelerator_showsBuildsUsage() {
        JcapTest.Result r = JcapTest.jcap("build", "--accel", "xyz");

        assertEquals("Usage: jcap build [-hvV] [--force] [--stacktrace] [--accel=<accel>]",
                r.err().lines().skip(1).findFirst().orElse(""));
        assertEquals("See 'jcap build --help'.", r.err().lines().reduce((a, b) -> b).orElse(""));
        assertTrue(r.err().lines().count() < 8, "the synopsis, not the whole help:\n" + r.err());
    }

    @Test
    void run_badLibvirtUri_namesConnect() {
        assertEquals("--connect: a libvirt URI must not carry a password: use an SSH key (keyfile=...)",
                firstErrorLine(2, "run", "--driver", "libvirt", "--connect", "qemu+ssh://jcap:secret@kvm1/system", "x"));
        assertEquals("--connect: a libvirt URI looks like qemu:///system or qemu+ssh://user@host/system, got kvm1",
                firstErrorLine(2, "run", "--driver", "libvirt", "--connect", "kvm1", "x"));
    }

    @Test
    void imagesLs_relativePath_isNamedPath() {
        assertEquals("PATH: guest path 'bad//path' must be absolute (start with /)",
                firstErrorLine(2, "images", "ls", "hello", "bad//path"));
    }
}
