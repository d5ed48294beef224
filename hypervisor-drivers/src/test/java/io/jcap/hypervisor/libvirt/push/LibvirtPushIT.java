package io.jcap.hypervisor.libvirt.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.BootSector;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.libvirt.LibvirtConnections;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.PowerOffBootSector;
import io.jcap.testsupport.RecordedEvents;
import io.jcap.testsupport.Requires;
import io.jcap.testsupport.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.StoragePool;

/**
 * Images into a real libvirtd's storage: a transient {@code dir} pool in the test's folder, made
 * and destroyed by the test; uploads through the local socket and through a test sshd
 * ({@code qemu+ssh://}); a defined domain started as {@code virsh start} would, its console log read.
 */
@Requires(Component.LIBVIRT)
class LibvirtPushIT {
    private static final Duration BOOT = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private final String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final String poolName = "jcap-it-" + suffix;
    private final String domainName = "jcap-it-defined-" + suffix;
    private Connect connect;
    private StoragePool pool;
    private Path poolFolder;
    private Path image;

    @BeforeEach
    void createPool() throws Exception {
        // QEMU runs as libvirt-qemu: it must get through the test's folder to the volume.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        poolFolder = Files.createDirectory(dir.resolve("pool"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        connect = LibvirtConnections.open(LibvirtUri.SYSTEM);
        pool = connect.storagePoolCreateXML("<pool type='dir'><name>" + poolName + "</name><target><path>" + poolFolder
                + "</path></target></pool>", 0);
        image = qcow2(PowerOffBootSector.sector("JCAP-DEFINED"), dir.resolve("image.qcow2"));
    }

    @AfterEach
    void removeEverything() throws Exception {
        PersistentDomains.undefine(LibvirtUri.SYSTEM, domainName);
        Files.deleteIfExists(Path.of(PersistentDomains.LOG_FOLDER + domainName + "-console.log"));
        // libvirt's own log of the domain's QEMU.
        Files.deleteIfExists(Path.of(PersistentDomains.LOG_FOLDER + domainName + ".log"));
        if (pool != null) {
            pool.refresh(0);
            for (String volume : pool.listVolumes()) {
                pool.storageVolLookupByName(volume).delete(0);
            }
            pool.destroy();
        }
        if (connect != null) {
            assertFalse(List.of(connect.listStoragePools()).contains(poolName));
            connect.close();
        }
    }

    @Test
    void upload_intoADirPool_makesAQcow2VolumeOfTheImagesBytesAndVirtualSize() throws Exception {
        List<String> progress = new java.util.ArrayList<>();
        EventSink events = new EventSink() {
            @Override
            public void log(Level level, String message) {
            }

            @Override
            public void progress(String task, long done, long total) {
                progress.add(task + " " + done + "/" + total);
            }
        };

        PoolVolume volume = PoolVolumes.upload(LibvirtUri.SYSTEM, image, new VolumeTarget(poolName, "hello.qcow2", false),
                events);

        Path file = poolFolder.resolve("hello.qcow2");
        assertEquals(file.toString(), volume.path());
        assertEquals(Sha256.of(image), Sha256.of(file));
        assertEquals(Files.size(image), volume.bytes());
        assertEquals(64L << 20, volume.capacity());
        String xml = connect.storagePoolLookupByName(poolName).storageVolLookupByName("hello.qcow2").getXMLDesc(0);
        assertTrue(xml.contains("<format type='qcow2'/>"), xml);
        assertTrue(xml.contains("<capacity unit='bytes'>67108864</capacity>"), xml);
        long size = Files.size(image);
        String task = "Uploading image.qcow2 to " + poolName + "/hello.qcow2 ";
        assertEquals(task + "0/" + size, progress.get(0));
        assertEquals(task + size + "/" + size, progress.get(progress.size() - 1));
        assertEquals(2 + (size - 1) / (1 << 20), progress.size(), progress.toString());
    }

    @Test
    void upload_existingVolume_isRefusedUnlessReplaced() throws Exception {
        VolumeTarget target = new VolumeTarget(poolName, "hello.qcow2", false);
        PoolVolumes.upload(LibvirtUri.SYSTEM, qcow2(PowerOffBootSector.sector("OLD"), dir.resolve("old.qcow2")), target,
                new RecordedEvents());

        JcapException refused = assertThrows(JcapException.class,
                () -> PoolVolumes.upload(LibvirtUri.SYSTEM, image, target, new RecordedEvents()));
        assertEquals("volume 'hello.qcow2' already exists in storage pool '" + poolName + "' at qemu:///system: replace"
                + " it (--replace) or choose another volume name (--volume)", refused.getMessage());

        PoolVolumes.upload(LibvirtUri.SYSTEM, image, target.replacing(), new RecordedEvents());
        assertEquals(Sha256.of(image), Sha256.of(poolFolder.resolve("hello.qcow2")));
    }

    @Test
    void upload_missingPool_isAnErrorListingThePoolsThere() throws Exception {
        VolumeTarget target = new VolumeTarget("jcap-no-such-pool", "hello.qcow2", false);

        JcapException e = assertThrows(JcapException.class,
                () -> PoolVolumes.upload(LibvirtUri.SYSTEM, image, target, new RecordedEvents()));

        List<String> pools = new java.util.ArrayList<>(List.of(connect.listStoragePools()));
        pools.addAll(List.of(connect.listDefinedStoragePools()));
        pools.sort(null);
        assertTrue(pools.contains(poolName), pools.toString());
        assertEquals("there is no storage pool 'jcap-no-such-pool' at qemu:///system (pools there: "
                + String.join(", ", pools) + ")", e.getMessage());
    }

    @Test
    void upload_qcow2WithABackingFile_isRefusedAndNothingIsMade() throws Exception {
        Path overlay = dir.resolve("overlay.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", "-b", image.toString(), "-F", "qcow2", overlay.toString());

        JcapException e = assertThrows(JcapException.class, () -> PoolVolumes.upload(LibvirtUri.SYSTEM, overlay,
                new VolumeTarget(poolName, "overlay.qcow2", false), new RecordedEvents()));

        assertTrue(e.getMessage().startsWith("image " + overlay + " is a qcow2 image with a backing file, '" + image
                + "'"), e.getMessage());
        pool.refresh(0);
        assertEquals(List.of(), List.of(pool.listVolumes()));
    }

    @Test
    void define_thenStart_bootsTheVolumeAndItsConsoleIsLogged() throws Exception {
        PoolVolume volume = PoolVolumes.upload(LibvirtUri.SYSTEM, image, new VolumeTarget(poolName, "hello.qcow2", false),
                new RecordedEvents());
        VmSpec spec = VmSpec.builder().memoryMiB(32).userNetwork().build();

        DefinedDomain defined = PersistentDomains.define(LibvirtUri.SYSTEM, domainName, spec, volume, false,
                new RecordedEvents());

        assertEquals("virsh -c 'qemu:///system' start " + domainName, defined.startCommand());
        assertEquals(hasDefaultNetwork() ? Optional.of("default") : Optional.empty(), defined.network());
        assertTrue(List.of(connect.listDefinedDomains()).contains(domainName));
        // What virsh start does.
        Domain domain = connect.domainLookupByName(domainName);
        domain.create();
        Path log = Path.of(defined.consoleLog());
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (domain.isActive() == 1 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(0, domain.isActive(), "the guest powers itself off after its line");
        assertTrue(Files.readString(log).lines().anyMatch(l -> l.strip().equals("JCAP-DEFINED")), Files.readString(log));
        assertEquals(1, domain.isPersistent());
        domain.free();

        JcapException again = assertThrows(JcapException.class, () -> PersistentDomains.define(LibvirtUri.SYSTEM,
                domainName, spec, volume, false, new RecordedEvents()));
        assertEquals("a domain named '" + domainName + "' already exists at qemu:///system: replace it (--replace) or"
                + " choose another name (--define NAME)", again.getMessage());
        PersistentDomains.define(LibvirtUri.SYSTEM, domainName, spec, volume, true, new RecordedEvents());
        assertTrue(List.of(connect.listDefinedDomains()).contains(domainName));
    }

    @Test
    void upload_overQemuSsh_sendsTheImageThroughLibvirtsConnection() throws Exception {
        try (TestSshd sshd = TestSshd.start(Files.createDirectory(dir.resolve("sshd")))) {
            LibvirtUri uri = LibvirtUri.parse(sshd.libvirtSshUri());

            PoolVolume volume = PoolVolumes.upload(uri, image, new VolumeTarget(poolName, "remote.qcow2", false),
                    new RecordedEvents());

            assertEquals(poolFolder.resolve("remote.qcow2").toString(), volume.path());
            assertEquals(Sha256.of(image), Sha256.of(poolFolder.resolve("remote.qcow2")));
        }
    }

    @Test
    void upload_overQemuSshToAHostWhoseKeyIsUnknown_isRefusedAndNothingIsMade() throws Exception {
        try (TestSshd sshd = TestSshd.start(Files.createDirectory(dir.resolve("sshd")))) {
            LibvirtUri uri = LibvirtUri.parse(sshd.libvirtSshUri());
            // The ssh that libvirt runs now knows no host key at all.
            Path empty = Files.createFile(dir.resolve("empty_known_hosts"));
            Path wrapper = Path.of(uri.parameters().get("command"));
            Files.writeString(wrapper, Files.readString(wrapper).replace(sshd.knownHosts.toString(), empty.toString()));

            JcapException e = assertThrows(JcapException.class, () -> PoolVolumes.upload(uri, image,
                    new VolumeTarget(poolName, "remote.qcow2", false), new RecordedEvents()));

            assertTrue(e.getMessage().startsWith("cannot connect to libvirt at " + uri + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("Host key verification failed"), e.getMessage());
            pool.refresh(0);
            assertEquals(List.of(), List.of(pool.listVolumes()));
        }
    }

    private boolean hasDefaultNetwork() throws Exception {
        return List.of(connect.listNetworks()).contains("default")
                || List.of(connect.listDefinedNetworks()).contains("default");
    }

    /** A 64 MiB qcow2 disk whose first sector is {@code sector}, made by qemu-img from a raw disk. */
    private static Path qcow2(byte[] sector, Path target) throws Exception {
        Path raw = target.resolveSibling(target.getFileName() + ".raw");
        BootSector.writeDisk(sector, raw);
        run("qemu-img", "resize", "-q", "-f", "raw", raw.toString(), "64M");
        run("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(), target.toString());
        Files.delete(raw);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        return target;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
    }
}
