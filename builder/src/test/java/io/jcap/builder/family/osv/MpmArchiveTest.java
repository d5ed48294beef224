package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import io.jcap.testsupport.CapstanRepositories;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Package archives of Capstan's repository read into image entries: what goes in, what is refused. */
class MpmArchiveTest {
    @TempDir
    Path temp;

    private static final CapstanRepositories.Package LIB = CapstanRepositories.pkg("com.example.lib")
            .runYaml("runtime: native\nbootcmd: /lib/serve.so\n")
            .file("lib/serve.so", "ELF".getBytes(StandardCharsets.UTF_8), 0750)
            .file("etc/serve.conf", "port=8000\n")
            .symlink("lib/current", "serve.so")
            .symlink("etc/escape", "../../../../etc/passwd");

    @Test
    void read_gzipOrPlain_givesFoldersFilesAndLinksWithTheirModes_andKeepsRunYamlAside() throws Exception {
        for (boolean gzip : List.of(true, false)) {
            Path mpm = temp.resolve("lib-" + gzip + ".mpm");
            try (OutputStream out = Files.newOutputStream(mpm)) {
                LIB.writeArchive(out, gzip);
            }
            Path content = Files.createDirectories(temp.resolve("content-" + gzip));

            MpmArchive archive = MpmArchive.read(mpm, content);

            List<String> paths = archive.entries().stream().map(e -> e.path().toString()).toList();
            assertEquals(List.of("/lib", "/lib/serve.so", "/etc", "/etc/serve.conf", "/lib/current", "/etc/escape"),
                    paths, "gzip " + gzip);
            ImageEntry.RegularFile serve = (ImageEntry.RegularFile) archive.entries().get(1);
            assertEquals(0750, serve.mode());
            assertEquals(ImageEntry.Owner.ROOT, serve.owner(), "the packager's owner is not kept");
            try (var in = serve.content().open()) {
                assertArrayEquals("ELF".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
            }
            // A link is an entry of the image, resolved in the guest; nothing is made on the host.
            assertEquals(new ImageEntry.Symlink(GuestPath.of("/etc/escape"), "../../../../etc/passwd"),
                    archive.entries().get(5));
            assertEquals("runtime: native\nbootcmd: /lib/serve.so\n", Files.readString(archive.runManifest().orElseThrow()));
            try (var files = Files.list(content)) {
                assertEquals(3, files.count(), "two files' bytes and run.yaml, nothing else on the host");
            }
        }
    }

    @Test
    void read_namesLeavingThePackage_hardLinksAndDevices_areRefusedWithTheEntry() throws Exception {
        Path content = Files.createDirectories(temp.resolve("content"));
        Path dotdot = archive("dotdot.mpm", new TarArchiveEntry("/lib/../../outside", true));
        JcapException e = assertThrows(JcapException.class, () -> MpmArchive.read(dotdot, content));
        assertEquals(dotdot + ": entry '/lib/../../outside' has a component '..': a package's names stay inside the"
                + " package, without empty, . or .. parts; refused", e.getMessage());

        TarArchiveEntry link = new TarArchiveEntry("/lib/again", TarArchiveEntry.LF_LINK, true);
        link.setLinkName("/lib/serve.so");
        Path hard = archive("hard.mpm", link);
        e = assertThrows(JcapException.class, () -> MpmArchive.read(hard, content));
        assertTrue(e.getMessage().endsWith(": entry '/lib/again' is a hard link: a Capstan package holds folders,"
                + " files and symbolic links only; refused"), e.getMessage());

        Path fifo = archive("fifo.mpm", new TarArchiveEntry("/run/pipe", TarArchiveEntry.LF_FIFO, true));
        e = assertThrows(JcapException.class, () -> MpmArchive.read(fifo, content));
        assertTrue(e.getMessage().contains("entry '/run/pipe' is a device, FIFO or other special file"), e.getMessage());
        try (var files = Files.list(content)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void read_notAnArchive_saysWhichFile() throws Exception {
        Path text = Files.writeString(temp.resolve("text.mpm"), "not a tar at all, and longer than nothing".repeat(20));
        JcapException e = assertThrows(JcapException.class,
                () -> MpmArchive.read(text, Files.createDirectories(temp.resolve("c"))));
        assertTrue(e.getMessage().startsWith("cannot read Capstan package " + text + ": "), e.getMessage());
    }

    private Path archive(String name, TarArchiveEntry entry) throws Exception {
        Path mpm = temp.resolve(name);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(mpm))) {
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
        }
        return mpm;
    }
}
