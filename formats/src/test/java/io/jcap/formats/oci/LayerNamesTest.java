package io.jcap.formats.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.host.HostTool;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names that are not UTF-8 in a layer are refused, in each of GNU tar's formats (a ustar name, a
 * GNU long name, a pax path), where Commons Compress alone read two Latin-1 names {@code caf\xE9}
 * and {@code caf\xE8} as one file {@code caf?}; UTF-8 names, ASCII or not, are taken as before.
 * The layers are written by GNU tar, as a Debian machine's own tools write them.
 */
class LayerNamesTest {
    private static final String LONG = "a-folder-name-long-enough-that-the-whole-path-needs-more-than-the-hundred-bytes"
            + "-of-a-ustar-name/";

    @TempDir
    Path temp;

    /** A tar of folder {@code root} in GNU tar's {@code format}, names as the bytes they are. */
    private Path tar(Path root, String format) throws Exception {
        Path out = temp.resolve(format + "-" + root.getFileName() + ".tar");
        HostTool.Result r = HostTool.run(List.of("env", "LC_ALL=C", "tar", "--format=" + format, "--owner=0",
                "--group=0", "-C", root.toString(), "-cf", out.toString(), "."), temp, Duration.ofSeconds(30));
        assertEquals(0, r.exitCode(), r.toString());
        return out;
    }

    /** A folder holding a file named {@code prefix} then the raw bytes of {@code leaf}. */
    private Path tree(String name, String prefix, byte[] leaf) throws Exception {
        Path root = Files.createDirectories(temp.resolve(name));
        // Java names files from Strings; the shell names this one from its bytes.
        StringBuilder printf = new StringBuilder();
        for (byte b : leaf) {
            printf.append(String.format("\\%03o", b & 0xff));
        }
        HostTool.Result r = HostTool.run(List.of("bash", "-c", "mkdir -p \"$1/$2\" && echo data > \"$1/$2$(printf '"
                + printf + "')\"", "_", root.toString(), prefix), temp, Duration.ofSeconds(10));
        assertEquals(0, r.exitCode(), r.toString());
        return root;
    }

    private static Map<String, ?> apply(Path tar, Path content) throws Exception {
        LayerStack stack = new LayerStack(Files.createDirectories(content), EventSink.NONE);
        try (InputStream in = Files.newInputStream(tar)) {
            stack.apply(in, "layer 1");
        }
        java.util.TreeMap<String, Object> tree = new java.util.TreeMap<>();
        stack.entries().forEach(e -> tree.put(e.path().value(), e));
        return tree;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ustar", "gnu", "posix"})
    void apply_aLatin1Name_isRefusedNamingItsBytes(String format) throws Exception {
        Path tar = tar(tree("latin1", "app/", new byte[] {'c', 'a', 'f', (byte) 0xe9}), format);

        JcapException e = assertThrows(JcapException.class, () -> apply(tar, temp.resolve("content")));

        assertEquals("layer 1 is refused: the name of its entry './app/caf\\xe9' is not UTF-8, and jcap's images name"
                + " files in UTF-8 only (read otherwise, two such names could become one file): rename it in the image",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "posix"})
    void apply_aLatin1NameInALongPath_isRefused(String format) throws Exception {
        Path tar = tar(tree("long", LONG, new byte[] {'c', 'a', 'f', (byte) 0xe8}), format);

        JcapException e = assertThrows(JcapException.class, () -> apply(tar, temp.resolve("content")));

        assertTrue(e.getMessage().startsWith("layer 1 is refused: the name of its entry './" + LONG + "caf\\xe8' is not"
                + " UTF-8"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ustar", "gnu", "posix"})
    void apply_utf8NamesShortAndLong_areTaken(String format) throws Exception {
        byte[] cafe = "caf\u00e9-\u65e5\u672c".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path root = tree("utf8", "app/", cafe);
        if (!format.equals("ustar")) {
            tree("utf8", LONG, cafe);
        }

        Map<String, ?> tree = apply(tar(root, format), temp.resolve("content"));

        assertTrue(tree.containsKey("/app/caf\u00e9-\u65e5\u672c"), tree.keySet().toString());
        if (!format.equals("ustar")) {
            assertTrue(tree.containsKey("/" + LONG + "caf\u00e9-\u65e5\u672c"), tree.keySet().toString());
        }
    }

    @Test
    void apply_aSymbolicLinkToALatin1Name_isRefused() throws Exception {
        Path root = Files.createDirectories(temp.resolve("link"));
        HostTool.Result r = HostTool.run(List.of("bash", "-c", "ln -s \"$(printf 'caf\\351')\" \"$1/l\"", "_",
                root.toString()), temp, Duration.ofSeconds(10));
        assertEquals(0, r.exitCode(), r.toString());
        Path tar = tar(root, "posix");

        JcapException e = assertThrows(JcapException.class, () -> apply(tar, temp.resolve("content")));

        assertEquals("layer 1 is refused: its symbolic link './l' points to 'caf\\xe9', which is not UTF-8, and jcap's"
                + " images name files in UTF-8 only: rename it in the image", e.getMessage());
    }

    @Test
    void watch_damagedArchives_neverFailTheStreamItself() throws Exception {
        byte[] good = Files.readAllBytes(tar(tree("some", LONG, new byte[] {'x'}), "posix"));
        java.util.Random random = new java.util.Random(11);
        for (int round = 0; round < 300; round++) {
            byte[] bytes = java.util.Arrays.copyOf(good, random.nextInt(good.length + 1));
            for (int flips = random.nextInt(8); flips > 0 && bytes.length > 0; flips--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            try (TarNames names = new TarNames(new java.io.ByteArrayInputStream(bytes))) {
                byte[] buffer = new byte[1 + random.nextInt(700)];
                long read = 0;
                for (int n; (n = names.read(buffer)) > 0; ) {
                    read += n;
                }
                assertEquals(bytes.length, read);
                while (names.next().isPresent()) {
                    // every entry it kept can be taken
                }
            }
        }
    }

    @Test
    void shown_printableAsciiAsItIsOtherBytesEscaped() {
        assertEquals("a b\\x5c\\x00\\xff", TarNames.shown(new byte[] {'a', ' ', 'b', '\\', 0, (byte) 0xff}));
        assertTrue(TarNames.isUtf8("caf\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        // An overlong encoding of '/', which a lenient decoder could read as a slash.
        assertEquals(false, TarNames.isUtf8(new byte[] {(byte) 0xc0, (byte) 0xaf}));
    }
}
