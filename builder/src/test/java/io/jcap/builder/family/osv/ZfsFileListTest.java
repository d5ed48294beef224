package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.ImageFiles;
import io.jcap.builder.OsvSamples;
import io.jcap.builder.TestMachine;
import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.ImageFile;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.ImageBuilder;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageMetadataJson;
import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file list a ZFS OSv image keeps beside it for {@code jcap images ls} (jcap cannot read ZFS
 * on the host): what the build's tree held, hard links as files, links with their targets.
 */
class ZfsFileListTest {
    @TempDir
    Path temp;

    private static final ImageEntry.RegularFile HELLO = new ImageEntry.RegularFile(GuestPath.of("/app/hello"), 0755,
            new FileContent.Bytes("hello".getBytes(StandardCharsets.UTF_8)));
    private static final List<ImageEntry> ENTRIES = List.of(
            new ImageEntry.Directory(GuestPath.of("/app"), 0755, ImageEntry.Owner.ROOT),
            new ImageEntry.Symlink(GuestPath.of("/bin"), "/app"),
            new ImageEntry.Directory(GuestPath.ROOT, 0755, ImageEntry.Owner.ROOT),
            HELLO,
            new ImageEntry.HardLink(GuestPath.of("/app/hi"), HELLO));

    @Test
    void of_listsEveryEntryInPathOrder_hardLinksAsFiles_linksWithTheirTargets() {
        assertEquals(List.of(
                new ImageFile(GuestPath.ROOT, ImageFile.Type.DIRECTORY, 0755, 0, Optional.empty()),
                new ImageFile(GuestPath.of("/app"), ImageFile.Type.DIRECTORY, 0755, 0, Optional.empty()),
                new ImageFile(GuestPath.of("/app/hello"), ImageFile.Type.FILE, 0755, 5, Optional.empty()),
                new ImageFile(GuestPath.of("/app/hi"), ImageFile.Type.FILE, 0755, 5, Optional.empty()),
                new ImageFile(GuestPath.of("/bin"), ImageFile.Type.SYMLINK, 0777, 4, Optional.of("/app"))),
                ZfsFileList.of(ENTRIES));
    }

    @Test
    void writeThenRead_givesTheSameList_andNoFileIsEmpty() throws Exception {
        Path file = temp.resolve(ZfsFileList.FILE);

        ZfsFileList.write(ENTRIES, file);

        assertEquals(Optional.of(ZfsFileList.of(ENTRIES)), ZfsFileList.read(file));
        assertEquals(Optional.empty(), ZfsFileList.read(temp.resolve("none.json")));
    }

    /**
     * {@code images ls} of a ZFS image reads its list (a stored image made ZFS by its record here:
     * the real ZFS build, which needs OSv's ZFS builder, is {@code OsvRealOsvIT}'s), and one
     * without a list says how to get one.
     */
    @Test
    void imagesLs_ofAZfsImage_readsItsList_andOneWithoutAListSaysToBuildItAgain() throws Exception {
        TestMachine.qemu();
        JcapHome home = OsvSamples.homeWithLoader(temp.resolve("home"), "osv");
        Path project = Files.createDirectories(temp.resolve("app"));
        Files.writeString(project.resolve("hello"), "hello");
        Files.writeString(project.resolve("Capstanfile"), "kernel: osv\ncmdline: /app/hello\nfiles:\n"
                + "  /app/hello: hello\n");
        Path folder = new ImageBuilder(home, EventSink.NONE).build(BuildRequest.of(project)).image().file().getParent();
        ImageMetadata rofs = ImageMetadataJson.read(folder.resolve("image.json"));
        Files.write(folder.resolve("image.json"), ImageMetadataJson.toBytes(rofs.toBuilder().fs("zfs").build()));
        ImageFiles files = new ImageFiles(home, EventSink.NONE);

        JcapException none = assertThrows(JcapException.class, () -> files.list("app", GuestPath.ROOT));
        ZfsFileList.write(ENTRIES, folder.resolve(ZfsFileList.FILE));

        assertTrue(none.getMessage().startsWith("image 'app' is zfs, which jcap cannot read on the host, and no list"),
                none.getMessage());
        assertEquals(ZfsFileList.of(ENTRIES), files.list("app", GuestPath.ROOT));
        assertEquals(ZfsFileList.of(ENTRIES).subList(1, 4), files.list("app", GuestPath.of("/app")));
        assertEquals(List.of(ZfsFileList.of(ENTRIES).get(4)), files.list("app", GuestPath.of("/bin")));
        JcapException missing = assertThrows(JcapException.class, () -> files.list("app", GuestPath.of("/etc")));
        assertEquals("/etc is not in image 'app'", missing.getMessage());
    }
}
