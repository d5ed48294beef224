package io.jcap.builder.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ImageComposerTest {
    private static final BootFiles BOOT = new BootFiles(
            List.of(new ImageEntry.RegularFile(GuestPath.of("/boot/vmlinuz"), 0644, FileContent.of(new byte[4]))),
            List.of(GuestPath.of("/boot")));

    private static ImageEntry program(String path, int mode) {
        return new ImageEntry.RegularFile(GuestPath.of(path), mode, FileContent.of(new byte[8]));
    }

    private static GuestConfig config(String... argv) {
        TreeMap<String, String> env = new TreeMap<>();
        env.put("GREETING", "hi there");
        return new GuestConfig(List.of(argv), env, GuestPath.ROOT);
    }

    @Test
    void compose_addsSystemFoldersConfigAndBootFiles() throws JcapException {
        ImageTree tree = ImageComposer.compose(List.of(program("/app/hello", 0755)), config("/app/hello", "a b"), BOOT);
        assertEquals(List.of("/", "/.jcap", "/.jcap/config", "/app", "/app/hello", "/boot", "/boot/vmlinuz", "/dev",
                "/proc", "/sys", "/tmp"), tree.entries().stream().map(e -> e.path().value()).toList());
        ImageEntry.RegularFile cfg = (ImageEntry.RegularFile) tree.get(GuestConfig.PATH);
        assertEquals("arg /app/hello\narg a b\nenv GREETING=hi there\ncwd /\n",
                new String(((FileContent.Bytes) cfg.content()).bytes(), StandardCharsets.UTF_8));
    }

    @Test
    void compose_missingCommand_saysHowToAddIt() {
        JcapException e = assertThrows(JcapException.class,
                () -> ImageComposer.compose(List.of(program("/app/hello", 0755)), config("/app/other"), BOOT));
        assertEquals("the command /app/other is not in the image: add it under files (e.g. /app/other: other)", e.getMessage());
    }

    @Test
    void compose_commandNotExecutable_isAnError() {
        JcapException e = assertThrows(JcapException.class,
                () -> ImageComposer.compose(List.of(program("/app/hello", 0644)), config("/app/hello"), BOOT));
        assertEquals("the command /app/hello is not executable (mode 644): chmod +x its host file", e.getMessage());
    }

    @Test
    void compose_applicationFileInReservedPlace_isRefused() {
        JcapException e = assertThrows(JcapException.class, () -> ImageComposer.compose(
                List.of(program("/app/hello", 0755), program("/boot/evil", 0644)), config("/app/hello"), BOOT));
        assertEquals("guest path /boot/evil is reserved by jcap (kernel, boot loader and configuration live there):"
                + " choose another path", e.getMessage());
    }

    @Test
    void config_relativeCommand_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config("hello"));
        assertEquals("the command 'hello' must be an absolute path inside the image (e.g. /app/hello)", e.getMessage());
    }

    @Test
    void streamDigest_sameFileTime_isTheSameAndAnotherTimeChangesIt() throws JcapException {
        // A Maven project's project.build.outputTimestamp reaches the stream as the file time.
        ImageTree first = ImageComposer.compose(List.of(program("/app/hello", 0755)), config("/app/hello"), BOOT);
        ImageTree second = ImageComposer.compose(List.of(program("/app/hello", 0755)), config("/app/hello"), BOOT);
        assertEquals(ImageComposer.streamDigest(first, 1767225600), ImageComposer.streamDigest(second, 1767225600));
        org.junit.jupiter.api.Assertions.assertNotEquals(ImageComposer.streamDigest(first, 1767225600),
                ImageComposer.streamDigest(second, 1767225601));
    }

    @Test
    void digests_oneRead_giveTheStreamDigestAndEachFilesSha256() throws JcapException {
        ImageTree tree = ImageComposer.compose(List.of(program("/app/hello", 0755)), config("/app/hello"), BOOT);
        ImageComposer.TreeDigests digests = ImageComposer.digests(tree, 7);
        assertEquals(ImageComposer.streamDigest(tree, 7), digests.stream());
        assertEquals(java.util.Set.of(GuestPath.of("/app/hello"), GuestPath.of("/boot/vmlinuz"), GuestConfig.PATH),
                digests.files().keySet());
        assertEquals(io.jcap.model.Sha256.of(new byte[8]), digests.files().get(GuestPath.of("/app/hello")));
        // The manifest takes them instead of reading the files again: the same fingerprints either way.
        assertEquals(TreeManifest.of(tree, java.util.Map.of()), TreeManifest.of(tree, java.util.Map.of(), digests.files()));
    }
}
