package io.jcap.builder.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.host.DigestCache;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ImageComposerTest {
    private static final BootFiles BOOT = new BootFiles(
            List.of(new ImageEntry.RegularFile(GuestPath.of("/boot/vmlinuz"), 0644, FileContent.of(new byte[4]))),
            List.of(GuestPath.of("/boot")));

    /** The start of an x86-64 ELF program: enough for the build's look at how the guest starts it. */
    private static final byte[] PROGRAM = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};

    private static ImageEntry program(String path, int mode) {
        return new ImageEntry.RegularFile(GuestPath.of(path), mode, FileContent.of(PROGRAM));
    }

    private static GuestConfig config(String... argv) {
        TreeMap<String, String> env = new TreeMap<>();
        env.put("GREETING", "hi there");
        return new GuestConfig(List.of(argv), env, GuestPath.ROOT);
    }

    @Test
    void hiddenWhenRunning_namesFilesUnderTheGuestsOwnMounts_notFoldersOrOtherFiles() {
        List<ImageEntry> application = List.of(program("/app/hello", 0755), program("/tmp/seed", 0644),
                new ImageEntry.Directory(GuestPath.of("/tmp/cache"), 0755), new ImageEntry.Symlink(GuestPath.of("/dev/log"),
                        "/run/log"), program("/tmpfile", 0644), program("/proc/x", 0644));

        assertEquals(List.of(GuestPath.of("/tmp/seed"), GuestPath.of("/dev/log"), GuestPath.of("/proc/x")),
                ImageComposer.hiddenWhenRunning(application));
    }

    @Test
    void replacedWhenRunning_namesTheEtcFilesTheGuestWrites_notFoldersOrOtherFiles() {
        assertTrue(ImageComposer.replacedWhenRunning(program("/etc/hosts", 0644)).orElseThrow()
                .startsWith("/etc/hosts of the image is replaced when it runs"));
        assertTrue(ImageComposer.replacedWhenRunning(new ImageEntry.Symlink(GuestPath.of("/etc/resolv.conf"),
                "/run/resolv.conf")).orElseThrow().startsWith("/etc/resolv.conf of the image is replaced when it runs"));
        assertEquals(java.util.Optional.empty(), ImageComposer.replacedWhenRunning(program("/etc/hostname", 0644)));
        assertEquals(java.util.Optional.empty(), ImageComposer.replacedWhenRunning(
                new ImageEntry.Directory(GuestPath.of("/etc/hosts"), 0755)));
    }

    /**
     * A file over newc's 4 GiB fits when its data, its runs of zeros left out, does: such a file is
     * read for them before any guest boots (the limit's own cases: CpioWriterHolesTest; a sparse
     * 5 GiB file built and read in a guest: SparseFileIT). Here the host file is shorter than it
     * was listed, so that the test reads no 4 GiB: that read fails, naming the file.
     */
    @Test
    void compose_aFileOver4GiB_isReadForItsRunsOfZerosBeforeAnyGuest(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        java.nio.file.Path big = java.nio.file.Files.write(dir.resolve("big"), new byte[10]);
        long listed = io.jcap.formats.cpio.CpioWriter.MAX_FILE_BYTES + 1;
        ImageEntry layerFile = new ImageEntry.RegularFile(GuestPath.of("/data/big"), 0644,
                new FileContent.HostFile(big, listed));

        JcapException e = assertThrows(JcapException.class, () -> ImageComposer.compose(List.of(program("/app/hello", 0755),
                layerFile), config("/app/hello"), BOOT));

        assertEquals("the file for /data/big (" + big + ") changed size while it was being read (expected 4294967296"
                + " bytes, now 10 bytes): build again", e.getMessage());
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
    void compose_commandALinkLoopOrDangling_saysSoRatherThanMissing() {
        for (List<ImageEntry> links : List.<List<ImageEntry>>of(
                List.of(new ImageEntry.Symlink(GuestPath.of("/bin/l1"), "l2"), new ImageEntry.Symlink(GuestPath.of("/bin/l2"), "l1")),
                List.of(new ImageEntry.Symlink(GuestPath.of("/bin/l1"), "/nowhere")))) {
            JcapException e = assertThrows(JcapException.class, () -> ImageComposer.compose(links, config("/bin/l1"), BOOT));
            assertEquals("the command /bin/l1 is a symbolic link that leads to nothing in the image (a loop, or a target"
                    + " the image lacks): link it to the program, or put the program there", e.getMessage());
        }
    }

    @Test
    void compose_aFileThroughALinkOfRootfs_namesTheEntryThatDidNotFit() {
        // A merged-/usr rootfs (/bin -> usr/bin) and files: /bin/hello.
        JcapException e = assertThrows(JcapException.class, () -> ImageComposer.compose(List.of(
                new ImageEntry.Symlink(GuestPath.of("/bin"), "usr/bin"), program("/bin/hello", 0755)),
                config("/bin/hello"), BOOT));
        assertTrue(e.getMessage().startsWith("the image's files do not fit together at /bin/hello: cannot place"
                + " /bin/hello inside /bin, which is a symbolic link"), e.getMessage());
        assertTrue(e.getMessage().endsWith("change the files key, or the rootfs folder)"), e.getMessage());
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
    void compose_namesOrPathsLongerThanLinuxTakes_areRefusedBeforeAGuestBoots() {
        String longName = "n".repeat(256);
        JcapException name = assertThrows(JcapException.class, () -> ImageComposer.compose(
                List.of(program("/app/hello", 0755), program("/data/" + longName, 0644)), config("/app/hello"), BOOT));
        assertEquals("guest path /data/" + longName + " has a name of 256 bytes: Linux file systems take names of at"
                + " most 255", name.getMessage());
        String deep = ("/" + "d".repeat(200)).repeat(21);
        JcapException path = assertThrows(JcapException.class, () -> ImageComposer.compose(
                List.of(program("/app/hello", 0755), program(deep, 0644)), config("/app/hello"), BOOT));
        assertEquals("guest path " + deep.substring(0, 60) + "... is 4221 bytes long: Linux takes paths of at most 4095",
                path.getMessage());
    }

    @Test
    void compose_commandThatIsAFolder_isRefused() throws Exception {
        ImageTree tree = ImageComposer.compose(List.of(new ImageEntry.Directory(GuestPath.of("/etc"), 0755)),
                config("/etc"), BOOT);
        JcapException e = assertThrows(JcapException.class, () -> ImageComposer.checkCommand(tree, config("/etc")));
        assertEquals("the command /etc is a folder in the image, not a program", e.getMessage());
    }

    @Test
    void treeDigests_giveEachFilesSha256_andChangeWithAnyFileOrTheFileTime() throws Exception {
        ImageTree tree = ImageComposer.compose(List.of(program("/app/hello", 0755)), config("/app/hello"), BOOT);
        TreeDigests digests = TreeDigests.of(tree, 7, DigestCache.none());
        assertEquals(java.util.Set.of(GuestPath.of("/app/hello"), GuestPath.of("/boot/vmlinuz"), GuestConfig.PATH),
                digests.files().keySet());
        assertEquals(io.jcap.model.Sha256.of(PROGRAM), digests.files().get(GuestPath.of("/app/hello")));
        // The manifest takes them instead of reading the files again: the same fingerprints either way.
        assertEquals(TreeManifest.of(tree, java.util.Map.of()), TreeManifest.of(tree, java.util.Map.of(), digests.files()));

        ImageTree same = ImageComposer.compose(List.of(program("/app/hello", 0755)), config("/app/hello"), BOOT);
        assertEquals(digests.tree(), TreeDigests.of(same, 7, DigestCache.none()).tree());
        org.junit.jupiter.api.Assertions.assertNotEquals(digests.tree(), TreeDigests.of(same, 8, DigestCache.none()).tree());
        ImageTree otherMode = ImageComposer.compose(List.of(program("/app/hello", 0700)), config("/app/hello"), BOOT);
        org.junit.jupiter.api.Assertions.assertNotEquals(digests.tree(), TreeDigests.of(otherMode, 7, DigestCache.none()).tree());
    }

    @Test
    void treeDigests_aHostFileWithOtherBytes_changesTheTreeDigest(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path host = java.nio.file.Files.write(dir.resolve("app"), PROGRAM);
        ImageTree before = ImageComposer.compose(List.of(new ImageEntry.RegularFile(GuestPath.of("/app/hello"), 0755,
                FileContent.of(host))), config("/app/hello"), BOOT);
        DigestCache cache = DigestCache.at(dir.resolve("digests"), java.time.Duration.ofSeconds(-60));
        Sha256 first = TreeDigests.of(before, 7, cache).tree();
        io.jcap.testsupport.FileEdits.rewrite(host, java.util.Arrays.copyOf(PROGRAM, 9));
        ImageTree after = ImageComposer.compose(List.of(new ImageEntry.RegularFile(GuestPath.of("/app/hello"), 0755,
                FileContent.of(host))), config("/app/hello"), BOOT);
        org.junit.jupiter.api.Assertions.assertNotEquals(first, TreeDigests.of(after, 7, cache).tree());
        assertEquals(TreeDigests.of(after, 7, DigestCache.none()), TreeDigests.of(after, 7, cache));
    }
}
