package io.jcap.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.host.HostTool;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Requirements;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfLibrariesTest {
    @TempDir
    Path temp;

    @Test
    void resolve_mke2fs_givesWhatLddGives() throws Exception {
        List<ElfLibraries.Library> libraries = resolveLikeLdd(Path.of("/sbin/mke2fs"));
        assertEquals(List.of("libext2fs.so.2", "libcom_err.so.2", "libblkid.so.1", "libuuid.so.1", "libe2p.so.2",
                "libc.so.6", "ld-linux-x86-64.so.2"), libraries.stream().map(l -> l.guestPath().fileName()).toList());
        assertEquals("/lib64/ld-linux-x86-64.so.2", libraries.get(libraries.size() - 1).guestPath().value());
        assertEquals(List.of(false, false, false, false, false, false, true),
                libraries.stream().map(ElfLibraries.Library::loader).toList());
    }

    @Test
    void resolve_extlinux_needsOnlyLibcAndTheLoader() throws Exception {
        List<ElfLibraries.Library> libraries = resolveLikeLdd(Path.of("/usr/bin/extlinux"));
        assertEquals(List.of("/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"),
                libraries.stream().map(l -> l.guestPath().value()).toList());
    }

    @Test
    void resolve_javaLauncher_followsRpathWithOrigin() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<ElfLibraries.Library> libraries = resolveLikeLdd(java);
        assertEquals(java.toRealPath().getParent().getParent().resolve("lib/libjli.so").toString(),
                libraries.stream().filter(l -> l.guestPath().fileName().equals("libjli.so")).findFirst().orElseThrow()
                        .guestPath().value());
    }

    @Test
    void resolve_staticBusybox_givesNothing() throws Exception {
        Path busybox = Path.of("/bin/busybox");
        Requirements.require(Files.isRegularFile(busybox), "/bin/busybox (busybox-static)");
        assertEquals("not a dynamic executable", ldd(busybox).stream().findFirst().orElse(""));
        assertEquals(List.of(), ElfLibraries.ofHost().resolve(busybox));
    }

    @Test
    void resolve_programNeedingAMissingLibrary_namesProgramAndLibrary() throws Exception {
        Path program = temp.resolve("extlinux-q");
        byte[] bytes = Files.readAllBytes(Path.of("/usr/bin/extlinux"));
        replaceAll(bytes, "libc.so.6\0", "libq.so.6\0");
        Files.write(program, bytes);
        JcapException e = assertThrows(JcapException.class, () -> new ElfLibraries(List.of()).resolve(program));
        assertEquals("program " + program + " needs library libq.so.6 (through " + program.toRealPath()
                + "), which is in none of /lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/lib:/usr/lib: "
                + "install the package that provides it", e.getMessage());
    }

    @Test
    void resolve_missingLibraryThatIsProvided_isSatisfiedAndNotSearchedFurther() throws Exception {
        Path program = temp.resolve("extlinux-q");
        byte[] bytes = Files.readAllBytes(Path.of("/usr/bin/extlinux"));
        replaceAll(bytes, "libc.so.6\0", "libq.so.6\0");
        Files.write(program, bytes);
        assertEquals(List.of("/lib64/ld-linux-x86-64.so.2"), new ElfLibraries(List.of())
                .resolve(program, Set.of("libq.so.6")).stream().map(l -> l.guestPath().value()).toList());
    }

    @Test
    void resolve_providedLibraryThatIsInASearchFolder_isStillCollected() throws Exception {
        List<ElfLibraries.Library> libraries = ElfLibraries.ofHost().resolve(Path.of("/usr/bin/extlinux"),
                Set.of("libc.so.6"));
        assertEquals(List.of("/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"),
                libraries.stream().map(l -> l.guestPath().value()).toList());
    }

    @Test
    void resolve_textFile_isNotAnElfProgram() throws Exception {
        Path script = Files.writeString(temp.resolve("script"), "#!/bin/sh\necho hi\n");
        JcapException e = assertThrows(JcapException.class, () -> ElfLibraries.ofHost().resolve(script));
        assertEquals("cannot read the libraries of program " + script + ": " + script.toRealPath()
                + " is not an ELF file", e.getMessage());
    }

    /** Resolves {@code program} and checks guest paths and host files against ldd's answer, in order. */
    private static List<ElfLibraries.Library> resolveLikeLdd(Path program) throws Exception {
        Requirements.require(Files.isRegularFile(program), program.toString());
        List<String> lddPaths = new ArrayList<>();
        for (String line : ldd(program)) {
            String path = line.contains("=>") ? line.substring(line.indexOf("=>") + 2).strip() : line;
            path = path.replaceFirst("\\s*\\(0x[0-9a-f]+\\)$", "");
            if (path.startsWith("/")) {
                lddPaths.add(Path.of(path).normalize().toString());
            }
        }
        List<ElfLibraries.Library> libraries = ElfLibraries.ofHost().resolve(program);
        assertEquals(lddPaths, libraries.stream().map(l -> l.guestPath().value()).toList());
        for (ElfLibraries.Library library : libraries) {
            assertEquals(Path.of(library.guestPath().value()).toRealPath(), library.hostFile());
        }
        return libraries;
    }

    private static List<String> ldd(Path program) throws Exception {
        Requirements.require(HostTool.find("ldd").isPresent(), "ldd");
        HostTool.Result result = HostTool.run(List.of("ldd", program.toString()), Path.of("/"),
                Duration.ofSeconds(30));
        return (result.stdout() + result.stderr()).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static void replaceAll(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        int replaced = 0;
        for (int i = 0; i + f.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, bytes, i, t.length);
                replaced++;
            }
        }
        assertEquals(true, replaced > 0, "no " + from + " in the program");
    }
}
