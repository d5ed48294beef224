package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.api.CloudInitData;
import io.jcap.builder.api.RunRequest;
import io.jcap.hypervisor.Accelerator;
import io.jcap.model.ByteSize;
import io.jcap.model.PortMapping;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunOptionsTest {
    private record Outcome(int exitCode, String out, String err) {
        String firstErrorLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    private static Outcome jcap(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Jcap.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }

    private static String usageMessage(Runnable parse) {
        return assertThrows(CommandLine.ParameterException.class, parse::run).getMessage();
    }

    @Test
    void commandLine_wordsAfterTheImage_areJoinedToSplitBackTheSame_andNotWithCmd() {
        assertEquals("/app/x \"a b\" \"it's\" -v", RunOptions.commandLine(null, List.of("/app/x", "a b", "it's", "-v")));
        assertEquals(List.of("/app/x", "a b", "it's", "-v"), io.jcap.capstanfile.CommandWords.split(
                RunOptions.commandLine(null, List.of("/app/x", "a b", "it's", "-v"))));
        assertEquals("/app/y 1", RunOptions.commandLine("/app/y 1", List.of()));
        assertEquals(null, RunOptions.commandLine(null, List.of()));
        assertEquals("the command is given twice, by --cmd and by the words after IMAGE (/app/x 2): give it once",
                usageMessage(() -> RunOptions.commandLine("/app/y 1", List.of("/app/x", "2"))));
    }

    /** Options still go to jcap after the image; after -- every word is the command's. */
    @Test
    void run_wordsAfterImageAndCmd_isAUsageErrorNamingBoth() {
        Outcome both = jcap("run", "--cmd", "/app/y", "hello", "/app/x", "--", "-v");

        assertEquals(2, both.exitCode(), both.err());
        assertEquals("the command is given twice, by --cmd and by the words after IMAGE (/app/x -v): give it once",
                both.firstErrorLine());
    }

    @Test
    void cloudInit_seedFilesWithoutUserData_areRefused() {
        assertEquals("--meta-data goes with --user-data FILE",
                usageMessage(() -> RunOptions.cloudInit(null, Path.of("m"), null)));
        assertEquals("--network-config goes with --user-data FILE",
                usageMessage(() -> RunOptions.cloudInit(null, null, Path.of("n"))));
        assertEquals(Optional.empty(), RunOptions.cloudInit(null, null, null));
    }

    @Test
    void cloudInit_userDataWithTheOthers_namesEveryFile() {
        assertEquals(Optional.of(new CloudInitData(Path.of("u"), Optional.of(Path.of("m")), Optional.of(Path.of("n")))),
                RunOptions.cloudInit(Path.of("u"), Path.of("m"), Path.of("n")));
    }

    @Test
    void cpus_outsideRange_isRefused() {
        assertEquals(4, RunOptions.cpus(4));
        assertEquals("-c: 0 CPUs is outside 1..64", usageMessage(() -> RunOptions.cpus(0)));
        assertEquals("-c: 65 CPUs is outside 1..64", usageMessage(() -> RunOptions.cpus(65)));
    }

    @Test
    void env_laterEntryOfAName_wins_andValuesKeepTheirEqualsSigns() {
        assertEquals(Map.of("A", "1", "B", "x=y", "C", ""), RunOptions.env(List.of("A=0", "B=x=y", "A=1", "C=")));
        assertEquals("-e: 'NOVALUE' is not KEY=VALUE", usageMessage(() -> RunOptions.env(List.of("NOVALUE"))));
        assertEquals("-e: '=x' is not KEY=VALUE", usageMessage(() -> RunOptions.env(List.of("=x"))));
    }

    @Test
    void request_allOptions_giveTheRunRequest() {
        RunRequest request = RunOptions.request("web-image", Optional.of(Accelerator.TCG), true, ByteSize.ofMebibytes(256), 2,
                List.of(PortMapping.parse("18080:8080"), PortMapping.parse("53/udp")),
                "0.0.0.0", List.of("GREETING=hi"), "/app/server --port 8080", "web");

        assertEquals("web-image", request.image());
        assertEquals(OptionalInt.of(256), request.memoryMiB());
        assertEquals(OptionalInt.of(2), request.cpus());
        assertEquals(List.of(PortMapping.parse("18080:8080"), PortMapping.parse("53/udp")), request.ports());
        assertEquals("0.0.0.0", request.publishAddress());
        assertEquals(Map.of("GREETING", "hi"), request.env());
        assertEquals(Optional.of("/app/server --port 8080"), request.cmd());
        assertEquals(Optional.of("web"), request.name());
        assertEquals(true, request.showBoot());
        assertEquals(Optional.of(Accelerator.TCG), request.accelerator());
    }

    @Test
    void request_defaults_bindLoopbackAndKeepTheImagesSettings() {
        RunRequest request = RunOptions.request("hello", Optional.empty(), false, null, null, List.of(), "127.0.0.1", List.of(),
                null, null);

        assertEquals(RunRequest.of("hello"), request);
    }

    @Test
    void request_badValues_nameTheirOption() {
        assertEquals("--cmd: the command 'server' must be an absolute path inside the image (e.g. /app/server)",
                usageMessage(() -> RunOptions.request("x", Optional.empty(), false, null, null, List.of(), "127.0.0.1", List.of(),
                        "server --port 1", null)));
        assertEquals("--cmd: the command 'app/hello' must be an absolute path inside the image (e.g. /app/hello)",
                usageMessage(() -> RunOptions.request("x", Optional.empty(), false, null, null, List.of(), "127.0.0.1",
                        List.of(), "app/hello", null)));
        assertEquals("--cmd: the command './bin/app' must be an absolute path inside the image (e.g. /bin/app)",
                usageMessage(() -> RunOptions.request("x", Optional.empty(), false, null, null, List.of(), "127.0.0.1",
                        List.of(), "./bin/app", null)));
        assertEquals("--cmd: '/app/x 'a' has an unclosed ' quote",
                usageMessage(() -> RunOptions.request("x", Optional.empty(), false, null, null, List.of(), "127.0.0.1", List.of(),
                        "/app/x 'a", null)));
        assertEquals("-e: environment variable name '1X' is not allowed: use letters, digits and '_', not starting"
                + " with a digit", usageMessage(() -> RunOptions.request("x", Optional.empty(), false, null, null, List.of(),
                "127.0.0.1", List.of("1X=2"), null, null)));
        assertEquals("--publish-address: 'localhost' is not an IPv4 address (127.0.0.1, 0.0.0.0)",
                usageMessage(() -> RunOptions.request("x", Optional.empty(), false, null, null, List.of(), "localhost", List.of(),
                        null, null)));
        assertEquals("--name: instance name 'Web' is not allowed: use 1 to 40 lower-case letters, digits, '.', '_' or"
                + " '-', starting with a letter or digit", usageMessage(() -> RunOptions.request("x", Optional.empty(), false,
                null, null, List.of(), "127.0.0.1", List.of(), null, "Web")));
    }

    @Test
    void run_badPort_isAUsageErrorWithTheMessageFirst() {
        Outcome run = jcap("run", "-p", "70000:80", "hello");

        assertEquals(2, run.exitCode());
        assertEquals("-p: host port 70000 is outside 1..65535", run.firstErrorLine());
    }

    @Test
    void run_nameWithoutDetach_isAUsageError() {
        Outcome run = jcap("run", "--name", "web", "hello");

        assertEquals(2, run.exitCode());
        assertEquals("--name names a detached instance: add -d", run.firstErrorLine());
    }

    /** Docker's -it and --rm are taken as typed; a wrong command line is refused before a reference is pulled. */
    @Test
    void run_dockersItAndRm_areAccepted_andOptionsAreCheckedBeforeAPull() {
        Outcome it = jcap("run", "-it", "--rm", "no-such-image");
        Outcome detachedInteractive = jcap("run", "-d", "-i", "127.0.0.1:1/never/pulled:1");

        assertEquals(1, it.exitCode(), it.err());
        assertTrue(it.err().startsWith("jcap: no image named 'no-such-image'"), it.err());
        assertEquals(2, detachedInteractive.exitCode(), detachedInteractive.err());
        assertEquals("-i passes jcap's standard input to a foreground run: drop -d or -i",
                detachedInteractive.firstErrorLine());
    }

    @Test
    void run_libvirtDriverDetachedOnARemoteHostWithoutSsh_isRefusedSayingWhy() {
        Outcome run = jcap("run", "-d", "--driver", "libvirt", "--connect", "qemu+tcp://kvm1/system", "hello");

        assertEquals(3, run.exitCode());
        assertEquals("jcap: detached instances on a remote libvirt host need jcap to reach it over SSH"
                + " (qemu+ssh://user@host/system), which copies their files there and reads their console for jcap"
                + " logs\n", run.err());
    }

    @Test
    void run_unknownDriver_andConnectWithQemu_areUsageErrors() {
        assertEquals("--driver: 'xen' is not a driver: use qemu or libvirt",
                jcap("run", "--driver", "xen", "hello").firstErrorLine());
        assertEquals("--connect applies to --driver libvirt",
                jcap("run", "--connect", "qemu:///system", "hello").firstErrorLine());
    }

    @Test
    void run_unknownBootMode_andDirectBootThroughLibvirt_areUsageErrors() {
        Outcome floppy = jcap("run", "--boot", "floppy", "hello");
        Outcome libvirt = jcap("run", "--driver", "libvirt", "--boot", "direct", "hello");

        assertEquals(2, floppy.exitCode());
        assertEquals("--boot: 'floppy' is not a boot mode: use direct, disk (or bios) or uefi", floppy.firstErrorLine());
        assertEquals(2, libvirt.exitCode());
        assertEquals("--boot direct needs --driver qemu: libvirt domains boot the image's disk",
                libvirt.firstErrorLine());
    }

    @Test
    void stop_badTimeout_isAUsageError() {
        Outcome stop = jcap("stop", "--timeout", "soon", "web");

        assertEquals(2, stop.exitCode());
        assertEquals("--timeout: 'soon' is not a duration: use a number of seconds, or one with ms, s or m (10, 10s, 500ms, 2m)",
                stop.firstErrorLine());
    }
}
