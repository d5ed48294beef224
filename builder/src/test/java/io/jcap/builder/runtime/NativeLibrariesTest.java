package io.jcap.builder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.kernels.ElfLibraries;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibrariesTest {
    private static final Path MKE2FS = Path.of("/sbin/mke2fs");
    private static final List<String> MKE2FS_LIBRARIES = List.of("/lib/x86_64-linux-gnu/libblkid.so.1",
            "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libcom_err.so.2",
            "/lib/x86_64-linux-gnu/libe2p.so.2", "/lib/x86_64-linux-gnu/libext2fs.so.2",
            "/lib/x86_64-linux-gnu/libuuid.so.1", "/lib64/ld-linux-x86-64.so.2");

    @TempDir
    Path temp;

    @Test
    void collect_dynamicProgram_addsItsLibrariesAndTheLoaderAtTheLoadersPaths() throws Exception {
        NativeLibraries.Collected collected = NativeLibraries.collect(List.of(file("/app/mke2fs", MKE2FS)),
                ElfLibraries.ofHost());
        assertEquals(MKE2FS_LIBRARIES, paths(collected.libraries()));
        assertEquals(List.of(), collected.otherFolders());
        ImageEntry.RegularFile libc = (ImageEntry.RegularFile) collected.libraries().get(1);
        assertEquals(Path.of("/lib/x86_64-linux-gnu/libc.so.6").toRealPath(),
                ((FileContent.HostFile) libc.content()).path());
    }

    @Test
    void collect_fileThePackageFilePlaced_isNotReplaced() throws Exception {
        Path mine = Files.writeString(temp.resolve("my-libc"), "not really libc");
        NativeLibraries.Collected collected = NativeLibraries.collect(List.of(file("/app/mke2fs", MKE2FS),
                file("/lib/x86_64-linux-gnu/libc.so.6", mine)), ElfLibraries.ofHost());
        List<String> expected = new ArrayList<>(MKE2FS_LIBRARIES);
        expected.remove("/lib/x86_64-linux-gnu/libc.so.6");
        assertEquals(expected, paths(collected.libraries()));
    }

    @Test
    void collect_textFilesAndFolders_addNothing() throws Exception {
        Path script = Files.writeString(temp.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Path tiny = Files.write(temp.resolve("tiny"), new byte[] {0x7f, 'E'});
        assertEquals(new NativeLibraries.Collected(List.of(), List.of()), NativeLibraries.collect(List.of(
                new ImageEntry.Directory(GuestPath.of("/app"), 0755), file("/app/run.sh", script),
                file("/app/tiny", tiny)), ElfLibraries.ofHost()));
    }

    @Test
    void collect_programNeedingAMissingLibrary_namesTheGuestPathProgramAndLibrary() throws Exception {
        Path program = temp.resolve("extlinux-q");
        byte[] bytes = Files.readAllBytes(Path.of("/usr/bin/extlinux"));
        replaceAll(bytes, "libc.so.6\0", "libq.so.6\0");
        Files.write(program, bytes);
        JcapException e = assertThrows(JcapException.class, () -> NativeLibraries.collect(
                List.of(file("/app/extlinux", program)), new ElfLibraries(List.of())));
        assertEquals("cannot collect the shared libraries of /app/extlinux: program " + program
                + " needs library libq.so.6 (through " + program.toRealPath() + "), which is in none of "
                + "/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/lib:/usr/lib: install the package that"
                + " provides it", e.getMessage());
    }

    @Test
    void collect_libraryUnderAFolderThatIsALinkInTheImage_goesWhereTheLinkPoints() throws Exception {
        NativeLibraries.Collected collected = NativeLibraries.collect(List.of(
                new ImageEntry.Symlink(GuestPath.of("/lib"), "usr/lib"),
                new ImageEntry.Symlink(GuestPath.of("/lib64"), "/usr/lib64"),
                file("/usr/bin/extlinux", Path.of("/usr/bin/extlinux"))), ElfLibraries.ofHost());
        assertEquals(List.of("/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib64/ld-linux-x86-64.so.2"),
                paths(collected.libraries()));
        assertEquals(List.of(), collected.otherFolders());
    }

    @Test
    void collect_libraryFromAConfiguredFolder_isReportedForTheLibraryPath() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("local-lib"));
        Files.copy(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), folder.resolve("libc.so.6"));
        NativeLibraries.Collected collected = NativeLibraries.collect(List.of(file("/app/extlinux",
                Path.of("/usr/bin/extlinux"))), new ElfLibraries(List.of(folder.toString())));
        assertEquals(List.of("/lib64/ld-linux-x86-64.so.2", folder + "/libc.so.6"), paths(collected.libraries()));
        assertEquals(List.of(GuestPath.of(folder.toString())), collected.otherFolders());
    }

    @Test
    void collect_javaRuntimeLibraries_needNothingTheRuntimeHasItself() throws Exception {
        Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
        List<ImageEntry> runtime = List.of(file("/opt/java/bin/java", javaHome.resolve("bin/java")),
                file("/opt/java/lib/libjli.so", javaHome.resolve("lib/libjli.so")),
                file("/opt/java/lib/libjava.so", javaHome.resolve("lib/libjava.so")),
                file("/opt/java/lib/libzip.so", javaHome.resolve("lib/libzip.so")),
                file("/opt/java/lib/server/libjvm.so", javaHome.resolve("lib/server/libjvm.so")));
        List<String> libraries = paths(NativeLibraries.collect(runtime, ElfLibraries.ofHost()).libraries());
        for (String own : List.of("libjli.so", "libjava.so", "libjvm.so", "libzip.so")) {
            assertEquals(List.of(), libraries.stream().filter(p -> p.endsWith("/" + own)).toList(), own);
        }
        assertEquals(true, libraries.contains("/lib/x86_64-linux-gnu/libc.so.6"), libraries.toString());
        assertEquals(true, libraries.contains("/lib/x86_64-linux-gnu/libz.so.1"), libraries.toString());
        // libjvm.so names the loader as needed; the one the launcher's PT_INTERP names is enough.
        assertEquals(List.of("/lib64/ld-linux-x86-64.so.2"),
                libraries.stream().filter(p -> p.endsWith("/ld-linux-x86-64.so.2")).toList());
    }

    @Test
    void throughLinks_relativeAbsoluteAndLooping() {
        Map<GuestPath, ImageEntry> image = new TreeMap<>();
        image.put(GuestPath.of("/lib"), new ImageEntry.Symlink(GuestPath.of("/lib"), "usr/lib"));
        image.put(GuestPath.of("/a"), new ImageEntry.Symlink(GuestPath.of("/a"), "/b"));
        image.put(GuestPath.of("/b"), new ImageEntry.Symlink(GuestPath.of("/b"), "a"));
        image.put(GuestPath.of("/out"), new ImageEntry.Symlink(GuestPath.of("/out"), "../../x"));
        assertEquals(GuestPath.of("/usr/lib/x/libc.so.6"), NativeLibraries.throughLinks(GuestPath.of("/lib/x/libc.so.6"), image));
        assertEquals(GuestPath.of("/a/libc.so.6"), NativeLibraries.throughLinks(GuestPath.of("/a/libc.so.6"), image));
        assertEquals(GuestPath.of("/out/libc.so.6"), NativeLibraries.throughLinks(GuestPath.of("/out/libc.so.6"), image));
        assertEquals(GuestPath.of("/usr/lib/libc.so.6"), NativeLibraries.throughLinks(GuestPath.of("/usr/lib/libc.so.6"), image));
    }

    private static ImageEntry file(String guest, Path host) throws Exception {
        return new ImageEntry.RegularFile(GuestPath.of(guest), 0755, FileContent.of(host));
    }

    private static List<String> paths(List<ImageEntry> entries) {
        return entries.stream().map(e -> e.path().value()).toList();
    }

    private static void replaceAll(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + f.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, bytes, i, t.length);
            }
        }
    }
}
