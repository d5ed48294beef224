package io.jcap.builder.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.api.JcapHome;
import io.jcap.formats.qcow2.Qcow2Overlay;
import io.jcap.host.HostTool;
import io.jcap.model.ByteSize;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.VolumeMount;
import io.jcap.testsupport.RecordedEvents;
import io.jcap.testsupport.Requirements;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store with the host's real mke2fs: what it makes is a whole ext4 disk, never half of one. */
class VolumeStoreTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsMke2fs() {
        Requirements.requireProgram("mke2fs", "e2fsprogs");
    }

    @Test
    void disk_unknownName_makesASparseExt4VolumeOfTheDefaultSize_once() throws Exception {
        JcapHome home = new JcapHome(dir.resolve("home"));
        RecordedEvents events = new RecordedEvents();
        VolumeStore store = new VolumeStore(home);

        VolumeStore.Disk disk = store.disk(VolumeMount.parse("data:/data"), events);
        VolumeStore.Disk again = store.disk(VolumeMount.parse("data:/elsewhere:ro"), events);

        assertEquals(new VolumeStore.Disk(home.volumes().resolve("data.img"), false), disk);
        assertEquals(disk, again);
        assertEquals(VolumeStore.DEFAULT_SIZE.bytes(), Files.size(disk.file()));
        assertTrue(ext4(disk.file()), "no ext2/3/4 superblock");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(disk.file())));
        assertEquals(List.of("INFO Created volume data (1.0 GiB, ext4): jcap volume ls lists it, jcap volume rm removes"
                + " it"), events.lines());
        assertEquals(List.of(new VolumeStore.Volume("data", disk.file(), VolumeStore.DEFAULT_SIZE.bytes(), false,
                List.of())),
                store.list());
        assertEquals(List.of(), Files.list(home.tmp()).filter(p -> !p.getFileName().toString().startsWith("."))
                .filter(Files::isDirectory).toList(), "the work folder was left");
    }

    /** A volume an older jcap made with the umask's mode is made owner-only when a run uses it. */
    @Test
    void disk_volumeOthersMayRead_becomesOwnerOnly() throws Exception {
        JcapHome home = new JcapHome(dir.resolve("home"));
        VolumeStore store = new VolumeStore(home);
        Path file = store.create("old", ByteSize.ofMebibytes(16));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        store.disk(VolumeMount.parse("old:/data"), EventSink.NONE);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void create_existingTooSmallOrBadName_isRefusedAndNothingIsLeft() throws Exception {
        JcapHome home = new JcapHome(dir.resolve("home"));
        VolumeStore store = new VolumeStore(home);
        store.create("cache", ByteSize.ofMebibytes(16));

        JcapException twice = assertThrows(JcapException.class, () -> store.create("cache", ByteSize.ofMebibytes(16)));
        JcapException small = assertThrows(JcapException.class, () -> store.create("tiny", ByteSize.ofMebibytes(1)));
        JcapException name = assertThrows(JcapException.class, () -> store.create("../x", ByteSize.ofMebibytes(16)));

        assertTrue(twice.getMessage().startsWith("volume cache already exists ("), twice.getMessage());
        assertEquals("volume size 1.0 MiB is too small: give at least 8.0 MiB", small.getMessage());
        assertTrue(name.getMessage().startsWith("volume name '../x' is not allowed"), name.getMessage());
        assertEquals(List.of("cache"), store.list().stream().map(VolumeStore.Volume::name).toList());
        assertEquals(16L << 20, Files.size(home.volumes().resolve("cache.img")));
    }

    @Test
    void remove_volume_deletesIt_andAnUnknownOneIsNamed() throws Exception {
        VolumeStore store = new VolumeStore(new JcapHome(dir.resolve("home")));
        Path file = store.create("old", ByteSize.ofMebibytes(8));

        assertEquals(0, store.remove("old"));
        JcapException unknown = assertThrows(JcapException.class, () -> store.remove("old"));

        assertFalse(Files.exists(file));
        assertEquals("no volume old (jcap volume ls lists them)", unknown.getMessage());
    }

    /** A volume a stopped libvirt domain's folder still links loses its name; the caller learns its bytes stay. */
    @Test
    void remove_volumeLinkedElsewhere_saysHowManyNamesRemain() throws Exception {
        VolumeStore store = new VolumeStore(new JcapHome(dir.resolve("home")));
        Path file = store.create("linked", ByteSize.ofMebibytes(8));
        Path domainDisk = Files.createLink(dir.resolve("disk1.raw"), file);

        assertEquals(1, store.remove("linked"));

        assertFalse(Files.exists(file));
        assertTrue(Files.exists(domainDisk));
    }

    @Test
    void disk_files_areCheckedForAFileSystemOrTakenAsQcow2() throws Exception {
        VolumeStore store = new VolumeStore(new JcapHome(dir.resolve("home")));
        Path ext4 = new VolumeStore(new JcapHome(dir.resolve("other"))).create("made", ByteSize.ofMebibytes(8));
        Path blank = dir.resolve("blank.img");
        try (RandomAccessFile raf = new RandomAccessFile(blank.toFile(), "rw")) {
            raf.setLength(8 << 20);
        }
        Path qcow2 = dir.resolve("disk.qcow2");
        Qcow2Overlay.create(ext4, qcow2);

        assertEquals(new VolumeStore.Disk(ext4, false), store.disk(new VolumeMount(ext4.toString(), "/d", false),
                EventSink.NONE));
        assertEquals(new VolumeStore.Disk(qcow2, true), store.disk(new VolumeMount(qcow2.toString(), "/d", true),
                EventSink.NONE));
        JcapException none = assertThrows(JcapException.class,
                () -> store.disk(new VolumeMount(blank.toString(), "/d", false), EventSink.NONE));
        JcapException missing = assertThrows(JcapException.class,
                () -> store.disk(new VolumeMount(dir.resolve("nope.img").toString(), "/d", false), EventSink.NONE));

        assertEquals("volume file " + blank + " holds no ext2/3/4 file system at its start: the guest mounts the whole"
                + " disk (make one with mkfs.ext4 " + blank + ", or give a volume name and jcap makes it)",
                none.getMessage());
        assertTrue(missing.getMessage().startsWith("volume file " + dir.resolve("nope.img") + " does not exist"),
                missing.getMessage());
        assertFalse(Files.exists(dir.resolve("home").resolve("volumes")), "a file volume made the store");
    }

    /** {@code jcap volume create --from}: the host's mke2fs copies the folder into the new file system. */
    @Test
    void create_fromAFolder_holdsItsFiles_andTooLittleRoomOrNoFolderIsRefusedLeavingNothing() throws Exception {
        Requirements.requireProgram("debugfs", "e2fsprogs");
        JcapHome home = new JcapHome(dir.resolve("home"));
        VolumeStore store = new VolumeStore(home);
        Path data = Files.createDirectories(dir.resolve("data/conf"));
        Files.writeString(data.resolve("app.conf"), "level=2\n");
        Files.setPosixFilePermissions(data.resolve("app.conf"), PosixFilePermissions.fromString("rw-r-----"));
        byte[] blob = new byte[12 << 20]; // random: an 8 MiB volume cannot hold it
        new Random(1).nextBytes(blob);
        Files.write(Files.createDirectories(dir.resolve("big")).resolve("blob"), blob);

        Path file = store.create("seeded", ByteSize.ofMebibytes(16), Optional.of(dir.resolve("data")));
        JcapException full = assertThrows(JcapException.class,
                () -> store.create("full", ByteSize.ofMebibytes(8), Optional.of(dir.resolve("big"))));
        JcapException none = assertThrows(JcapException.class,
                () -> store.create("none", ByteSize.ofMebibytes(8), Optional.of(dir.resolve("nope"))));

        assertEquals("level=2\n", HostTool.run(List.of("debugfs", "-R", "cat /conf/app.conf", file.toString()), dir,
                Duration.ofSeconds(30)).stdout());
        assertTrue(HostTool.run(List.of("debugfs", "-R", "stat /conf/app.conf", file.toString()), dir,
                Duration.ofSeconds(30)).stdout().contains("Mode:  0640"));
        assertTrue(full.getMessage().startsWith("mke2fs could not make volume full's file system with the files of "
                + dir.resolve("big") + ": "), full.getMessage());
        assertTrue(full.getMessage().endsWith(" (the files do not fit: give a larger --size)"), full.getMessage());
        assertEquals("--from " + dir.resolve("nope") + ": no such folder", none.getMessage());
        assertEquals(List.of("seeded"), store.list().stream().map(VolumeStore.Volume::name).toList());
    }

    private static boolean ext4(Path file) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            raf.seek(1024 + 0x38);
            return raf.read() == 0x53 && raf.read() == 0xEF;
        }
    }
}
