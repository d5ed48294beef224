package io.jcap.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.deb.DebControl;
import io.jcap.formats.deb.DebPackage;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebPackageTest {
    private static final String CONTROL = "Package: tiny\nVersion: 1.0-1\nArchitecture: amd64\n"
            + "Depends: libc6 (>= 2.34), foo | bar, baz:any\nDescription: a tiny package\n second line\n";

    @TempDir
    Path temp;

    @Test
    void open_kernelPackage_readsPackageVersionAndDepends() throws Exception {
        Path file = TestKernels.cloudDeb();
        DebControl control = DebPackage.open(file).control();
        assertTrue(control.packageName().matches("linux-image-6\\.\\d+\\.\\d+-\\d+-cloud-amd64"), control.packageName());
        assertTrue(file.getFileName().toString().startsWith(control.packageName() + "_" + control.version() + "_"),
                file + " vs " + control.version());
        assertTrue(control.dependencies().contains("kmod"), control.depends());
    }

    @Test
    void extract_kernelPackage_writesOnlySelectedEntries() throws Exception {
        DebPackage deb = DebPackage.open(TestKernels.cloudDeb());
        Path out = temp.resolve("out");
        List<DebPackage.Extracted> files = deb.extract(p -> p.startsWith("boot/vmlinuz-") || p.endsWith("/virtio.ko"),
                out, EventSink.NONE);
        assertEquals(2, files.size(), files.toString());
        DebPackage.Extracted vmlinuz = files.stream().filter(f -> f.path().startsWith("boot/")).findFirst().orElseThrow();
        assertEquals(out.toRealPath().resolve(vmlinuz.path()), vmlinuz.file());
        assertEquals(Files.size(vmlinuz.file()), vmlinuz.size());
        assertTrue(BzImage.isBzImage(vmlinuz.file()));
        try (var walk = Files.walk(out)) {
            assertEquals(2, walk.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void extract_tinyPackage_keepsRelativePathsAndContent() throws Exception {
        Path file = TinyDeb.write(temp.resolve("tiny.deb"), CONTROL, Map.of("./usr/share/tiny/a.txt", bytes("alpha"),
                "./usr/share/tiny/b.txt", bytes("beta")));
        DebPackage deb = DebPackage.open(file);
        List<DebPackage.Extracted> files = deb.extract(p -> p.endsWith("a.txt"), temp.resolve("x"), EventSink.NONE);
        assertEquals(List.of("usr/share/tiny/a.txt"), files.stream().map(DebPackage.Extracted::path).toList());
        assertArrayEquals(bytes("alpha"), Files.readAllBytes(temp.resolve("x/usr/share/tiny/a.txt")));
        assertFalse(Files.exists(temp.resolve("x/usr/share/tiny/b.txt")));
    }

    @Test
    void extract_entryWithDotDot_refusesThePackage() throws Exception {
        Path file = TinyDeb.write(temp.resolve("evil.deb"), CONTROL, Map.of("./usr/ok", bytes("ok"),
                "../evil", bytes("evil")));
        DebPackage deb = DebPackage.open(file);
        JcapException e = assertThrows(JcapException.class,
                () -> deb.extract(p -> true, temp.resolve("x"), EventSink.NONE));
        assertEquals("Debian package " + file + " holds entry '../evil', which escapes the extraction folder; "
                + "refusing to extract it", e.getMessage());
        assertFalse(Files.exists(temp.resolve("evil")));
    }

    @Test
    void extract_absoluteEntry_refusesThePackageEvenWhenNotSelected() throws Exception {
        Path file = TinyDeb.write(temp.resolve("abs.deb"), CONTROL, Map.of("/etc/evil", bytes("evil")));
        DebPackage deb = DebPackage.open(file);
        JcapException e = assertThrows(JcapException.class,
                () -> deb.extract(p -> false, temp.resolve("x"), EventSink.NONE));
        assertEquals("Debian package " + file + " holds entry '/etc/evil', which escapes the extraction folder; "
                + "refusing to extract it", e.getMessage());
    }

    @Test
    void extract_throughASymbolicLinkInTheDestination_isRefused() throws Exception {
        Path file = TinyDeb.write(temp.resolve("tiny.deb"), CONTROL, Map.of("./usr/evil", bytes("evil")));
        Path outside = Files.createDirectory(temp.resolve("outside"));
        Path destination = Files.createDirectory(temp.resolve("x"));
        Files.createSymbolicLink(destination.resolve("usr"), outside);
        JcapException e = assertThrows(JcapException.class,
                () -> DebPackage.open(file).extract(p -> true, destination, EventSink.NONE));
        assertEquals("Debian package " + file + " entry './usr/evil' would be written outside "
                + destination.toRealPath() + "; refusing to extract it", e.getMessage());
        assertFalse(Files.exists(outside.resolve("evil")));
    }

    @Test
    void open_fileThatIsNoArchive_saysSo() throws Exception {
        Path file = Files.writeString(temp.resolve("not.deb"), "hello");
        JcapException e = assertThrows(JcapException.class, () -> DebPackage.open(file));
        assertEquals(file + " is not a Debian package (no ar archive signature)", e.getMessage());
    }

    @Test
    void parse_controlWithContinuationLines_readsFieldsAndFirstAlternatives() {
        DebControl control = DebControl.parse(CONTROL);
        assertEquals("tiny", control.packageName());
        assertEquals("1.0-1", control.version());
        assertEquals(List.of("libc6", "foo", "baz"), control.dependencies());
        assertEquals("a tiny package\nsecond line", control.fields().get("Description"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
