package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.JavaProjects;
import io.jcap.builder.api.JcapHome;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.CapstanfileParser;
import io.jcap.model.EventSink;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import io.jcap.testsupport.RecordedEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxInputsTest {
    @TempDir
    Path temp;

    @Test
    void of_runtimeNative_addsTheLibrariesOfAProgramGivenByAnAbsoluteHostPath() throws Exception {
        LinuxInputs inputs = inputs("cmdline: /usr/sbin/mke2fs -V\nruntime: native\nfiles:\n"
                + "  /usr/sbin/mke2fs: /sbin/mke2fs\n");
        assertEquals(List.of("/usr/sbin/mke2fs", "/lib/x86_64-linux-gnu/libext2fs.so.2",
                "/lib/x86_64-linux-gnu/libcom_err.so.2", "/lib/x86_64-linux-gnu/libblkid.so.1",
                "/lib/x86_64-linux-gnu/libuuid.so.1", "/lib/x86_64-linux-gnu/libe2p.so.2",
                "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2").stream().sorted().toList(),
                paths(inputs.application()).stream().sorted().toList());
        assertEquals("arg /usr/sbin/mke2fs\narg -V\ncwd /\n", config(inputs));
    }

    @Test
    void of_withoutRuntime_collectsNoLibraries() throws Exception {
        LinuxInputs inputs = inputs("cmdline: /usr/sbin/mke2fs\nfiles:\n  /usr/sbin/mke2fs: /sbin/mke2fs\n");
        assertEquals(List.of("/usr/sbin/mke2fs"), paths(inputs.application()));
    }

    @Test
    void of_runtimeJava_placesALinkedRuntimeAndDerivesTheCommandLine() throws Exception {
        Path classFile = JavaProjects.compile(temp.resolve("src"), "Hi",
                "public class Hi { public static void main(String[] a) { System.out.println(\"hi\"); } }");
        JavaProjects.jar(temp.resolve("project/hi.jar"), classFile, "Hi", null);
        LinuxInputs inputs = inputs("files:\n  /app/hi.jar: hi.jar\nenv:\n  LANG: C.UTF-8\nruntime:\n  java:\n"
                + "    jar: /app/hi.jar\n    xmx: 64M\n    jvm_args: [-XX:+UseSerialGC]\n    args: [two words]\n");
        assertEquals("/opt/java/bin/java -Xmx64M -XX:-UsePerfData -XX:+UseSerialGC -jar /app/hi.jar 'two words'",
                inputs.cmdline());
        assertEquals("arg /opt/java/bin/java\narg -Xmx64M\narg -XX:-UsePerfData\narg -XX:+UseSerialGC\narg -jar\narg /app/hi.jar\n"
                + "arg two words\nenv LANG=C.UTF-8\ncwd /\n", config(inputs));
        List<String> paths = paths(inputs.application());
        for (String wanted : List.of("/opt/java/bin/java", "/opt/java/lib/server/libjvm.so", "/opt/java/lib/modules",
                "/app/hi.jar", "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libz.so.1",
                "/lib64/ld-linux-x86-64.so.2")) {
            assertTrue(paths.contains(wanted), wanted + " in " + paths);
        }
        assertFalse(paths.contains("/opt/java/jcap-jlink.txt"), paths.toString());
        assertEquals(List.of(), paths.stream().filter(p -> p.endsWith("/libjvm.so") && !p.startsWith("/opt/java/"))
                .toList());
        // One CPU, as every image: a JVM on two vCPUs under QEMU's multi-threaded TCG crashed in
        // freshly compiled code (docs/capstanfile.md, runtime java).
        assertEquals(1, inputs.cpus());
    }

    @Test
    void of_envValueWithANewline_namesTheEnvKey_notCmdline() throws Exception {
        JcapException e = assertThrows(JcapException.class, () -> inputs("cmdline: /usr/sbin/mke2fs\nenv:\n  X: \"a\\nb\"\n"
                + "files:\n  /usr/sbin/mke2fs: /sbin/mke2fs\n"));
        assertEquals("Capstanfile:3:6: env.X: environment variable X may not contain a newline or NUL"
                + " character (its value is not shown)",
                e.getMessage());
    }

    @Test
    void diskBytes_sizeTooSmallForTheBlocksTheFilesTake_namesSizeAndTheLeastThatFits() throws Exception {
        LinuxInputs inputs = inputs("cmdline: /usr/sbin/mke2fs\nsize: 40M\nfiles:\n  /usr/sbin/mke2fs: /sbin/mke2fs\n");
        // 50 MiB allocated (say, 12 800 files of one byte each in 4 KiB blocks); 10 MiB of the disk are the
        // partition table and the EFI system partition
        JcapException e = assertThrows(JcapException.class, () -> inputs.diskBytes(50L << 20));
        assertEquals("size 40M is too small for 50M of files (kernel included): use at least 74M or leave size out",
                e.getMessage());
        assertEquals(40L << 20, inputs("cmdline: /usr/sbin/mke2fs\nsize: 40M\nfiles:\n  /usr/sbin/mke2fs: /sbin/mke2fs\n")
                .diskBytes(20L << 20));
    }

    @Test
    void of_filesAtEtcHostsAndResolvConf_warnsThatARunReplacesThem() throws Exception {
        Path project = Files.createDirectories(temp.resolve("project"));
        Files.writeString(project.resolve("hosts"), "10.1.2.3 myservice\n");
        RecordedEvents events = new RecordedEvents();
        inputs("cmdline: /usr/sbin/mke2fs\nfiles:\n  /usr/sbin/mke2fs: /sbin/mke2fs\n  /etc/hosts: hosts\n"
                + "  /etc/resolv.conf: hosts\n  /etc/hostname: hosts\n", events);
        assertEquals(2, events.lines().size(), events.lines().toString());
        assertTrue(events.lines().get(0).contains("/etc/hosts of the image is replaced when it runs: the guest writes"
                + " its own there (localhost and its host name)"), events.lines().toString());
        assertTrue(events.lines().get(1).contains("/etc/resolv.conf of the image is replaced when it runs"),
                events.lines().toString());
    }

    private LinuxInputs inputs(String capstanfile) throws Exception {
        return inputs(capstanfile, new RecordedEvents());
    }

    private LinuxInputs inputs(String capstanfile, RecordedEvents events) throws Exception {
        Path project = Files.createDirectories(temp.resolve("project"));
        Files.writeString(project.resolve("Capstanfile"), capstanfile);
        return LinuxInputs.of(new CapstanfileParser().parse(project), new JcapHome(temp.resolve("home")), events);
    }

    private static List<String> paths(List<ImageEntry> entries) {
        return entries.stream().filter(e -> e instanceof ImageEntry.RegularFile).map(e -> e.path().value()).toList();
    }

    private static String config(LinuxInputs inputs) {
        return new String(inputs.config().toBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void linuxKernelWithRofs_isRefusedPointingAtOsv() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("rofs"));
        Files.writeString(dir.resolve("hello"), "x");
        Files.writeString(dir.resolve("Capstanfile"), "kernel: linux\ncmdline: /hello\nfs: rofs\nfiles:\n  /hello: hello\n");
        Capstanfile c = new CapstanfileParser().parse(dir);
        JcapException e = assertThrows(JcapException.class, () -> LinuxInputs.of(c, new JcapHome(temp), EventSink.NONE));
        assertEquals("Capstanfile:3:5: fs: fs rofs needs an OSv kernel, not kernel 'linux': set kernel: osv (see docs/osv.md) or use ext4"
                + " or ext2 with the Linux kernel", e.getMessage());
    }
}
