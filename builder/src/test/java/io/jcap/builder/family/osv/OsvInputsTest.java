package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.CapstanfileProjects;
import io.jcap.builder.OsvSamples;
import io.jcap.builder.api.JcapHome;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.kernels.KernelKind;
import io.jcap.kernels.KernelStore;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.ExitCode;
import io.jcap.model.FsType;
import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which family a Capstanfile means, and what it asks of an OSv image. */
class OsvInputsTest {
    @TempDir
    Path temp;
    private JcapHome home;
    private KernelStore store;
    private final List<String> warnings = new ArrayList<>();
    private final EventSink events = new EventSink() {
        @Override
        public void log(Level level, String message) {
            if (level == Level.WARN) {
                warnings.add(message);
            }
        }

        @Override
        public void progress(String task, long done, long total) {
        }
    };

    @BeforeEach
    void home() throws Exception {
        home = OsvSamples.homeWithLoader(temp.resolve("home"), "osv");
        store = new KernelStore(home.kernels());
    }

    private CapstanRepository repository() {
        return new CapstanRepository(temp.resolve("capstan"), temp.resolve("cache"));
    }

    private Capstanfile capstanfile(String text) throws Exception {
        return CapstanfileProjects.withHello(temp, text);
    }

    @Test
    void of_defaults_rofsWithTheOsvLoader() throws Exception {
        OsvInputs inputs = OsvInputs.of(capstanfile("kernel: osv\ncmdline: /hello\n"), store, repository(), events);
        assertEquals(FsType.ROFS, inputs.fs());
        assertEquals("osv", inputs.loader().name());
        assertEquals(KernelKind.OSV_LOADER, inputs.loader().kind());
        assertEquals("/hello", inputs.cmdline());
        assertEquals(List.of(), warnings);
    }

    @Test
    void check_fromWithAnOsvBaseOrFs_namesTheKeysThatChoseOsv() throws Exception {
        JcapException base = assertThrows(JcapException.class,
                () -> OsvInputs.check(capstanfile("base: cloudius/osv-base\nfrom: alpine:3.19\n")));
        assertTrue(base.getMessage().contains("from: alpine:3.19 needs the Linux kernel (a container image's programs"
                + " are Linux programs): remove base: cloudius/osv-base or set kernel: linux"), base.getMessage());
        JcapException both = assertThrows(JcapException.class,
                () -> OsvInputs.check(capstanfile("base: cloudius/osv-base\nfs: zfs\nfrom: alpine:3.19\n")));
        assertTrue(both.getMessage().contains("remove base: cloudius/osv-base and fs: zfs or set kernel: linux"),
                both.getMessage());
        JcapException kernel = assertThrows(JcapException.class,
                () -> OsvInputs.check(capstanfile("kernel: osv\nfs: rofs\nfrom: alpine:3.19\n")));
        assertTrue(kernel.getMessage().contains("remove kernel: osv or set kernel: linux"), kernel.getMessage());
    }

    @Test
    void of_capstanBaseWithItsLoaderImported_usesThatLoader() throws Exception {
        OsvSamples.homeWithLoader(temp.resolve("home"), "osv-openjdk");
        OsvInputs inputs = OsvInputs.of(capstanfile("base: cloudius/osv-openjdk\ncmdline: /hello\n"), store, repository(), events);
        assertEquals("osv-openjdk", inputs.loader().name());
        assertEquals(List.of(), warnings);
    }

    @Test
    void of_capstanBaseNotImported_fallsBackToOsvAndSaysWhatIsMissing() throws Exception {
        OsvInputs inputs = OsvInputs.of(capstanfile("base: cloudius/osv-openjdk\ncmdline: /hello\n"), store, repository(), events);
        assertEquals("osv", inputs.loader().name());
        assertEquals(List.of("base 'cloudius/osv-openjdk': no kernel named 'osv-openjdk' is imported, so the image"
                + " starts from OSv's plain loader 'osv' and the base's own files (such as a JVM) are not in it: add them"
                + " with files or rootfs, or import the base's loader image with 'jcap kernels import FILE --name"
                + " osv-openjdk'"), warnings);
    }

    @Test
    void of_envBecomesOsvOptionsInFrontOfTheCommand() throws Exception {
        OsvInputs inputs = OsvInputs.of(capstanfile("kernel: osv\ncmdline: /hello x\nenv:\n  B: two\n  A: \"1\"\n"),
                store, repository(), events);
        assertEquals("--env=A=1 --env=B=two /hello x", inputs.cmdline());
    }

    @Test
    void of_envValueWithASpace_isRefused() throws Exception {
        Capstanfile c = capstanfile("kernel: osv\ncmdline: /hello\nenv:\n  GREETING: hello world\n");
        JcapException e = assertThrows(JcapException.class, () -> OsvInputs.of(c, store, repository(), events));
        assertEquals("Capstanfile:4:13: env.GREETING: OSv reads environment variables from its command line"
                + " (--env=GREETING=...), which cannot carry spaces, quotes, backslashes, ';' or '&': use a value"
                + " without them", e.getMessage());
    }

    @Test
    void of_missingLoader_saysHowToBringIt() throws Exception {
        Capstanfile c = capstanfile("kernel: osv-0.57\ncmdline: /hello\nfs: rofs\n");
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> OsvInputs.of(c, store, repository(), events));
        assertEquals("OSv loader image 'osv-0.57' is not in " + store.dir() + ": import it with 'jcap kernels import"
                + " osv-loader.qemu.x86_64 --name osv-0.57' or pull it with 'jcap kernels pull osv --url URL --sha256 HEX"
                + " --name osv-0.57'", e.getMessage());
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
    }

    @Test
    void of_zfsWithoutTheBuilderKernel_saysHowToBringItOrUseRofs() throws Exception {
        Capstanfile c = capstanfile("kernel: osv\ncmdline: /hello\nfs: zfs\n");
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> OsvInputs.of(c, store, repository(), events));
        assertEquals("fs zfs needs OSv's ZFS builder kernel 'osv-zfs-builder', which is not in " + store.dir()
                + ": import it with 'jcap kernels import osv-zfs-builder.elf.x86_64.gz' or pull it with 'jcap kernels"
                + " pull osv --url URL --sha256 HEX', or use fs: rofs, which needs no builder", e.getMessage());
    }

    /** ZFS is filled by cpiod from a newc stream (32-bit sizes); ROFS is written on the host. */
    @Test
    void of_aFileOver4GiB_zfsRefusesItBeforeAnyGuest_rofsTakesIt() throws Exception {
        store.add(new io.jcap.kernels.KernelDraft("osv-zfs-builder", KernelKind.OSV_ZFS_BUILDER, "unknown", "custom",
                "test", Path.of("/bin/true"), List.of()));
        Path big = Files.createDirectories(temp.resolve("root/data")).resolve("big");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(5L << 30);
        }
        String files = "rootfs: " + temp.resolve("root") + "\n";

        JcapException e = assertThrows(JcapException.class, () -> OsvInputs.of(capstanfile(
                "kernel: osv\ncmdline: /hello\nfs: zfs\n" + files), store, repository(), events));
        OsvInputs rofs = OsvInputs.of(capstanfile("kernel: osv\ncmdline: /hello\n" + files), store, repository(), events);

        assertEquals("the file /data/big is 5368709120 bytes, and a file streamed into OSv's ZFS builder (cpiod) holds at"
                + " most 4294967295 bytes (the stream is a newc cpio, whose sizes are 32-bit); fs: rofs has no such limit",
                e.getMessage());
        assertEquals(5L << 30, ((io.jcap.model.ImageEntry.RegularFile) rofs.tree().get(io.jcap.model.GuestPath.of(
                "/data/big"))).content().size());
    }

    @Test
    void of_ext4WithOsv_isRefused() throws Exception {
        JcapException e = assertThrows(JcapException.class,
                () -> OsvInputs.of(capstanfile("kernel: osv\ncmdline: /hello\nfs: ext4\n"), store, repository(), events));
        assertEquals("Capstanfile:3:5: fs: fs ext4 needs the Linux kernel: OSv images use fs: rofs or fs: zfs",
                e.getMessage());
    }

    @Test
    void of_kernelThatIsALinuxKernel_isNotAnOsvLoader() throws Exception {
        Path vmlinuz = Files.writeString(temp.resolve("vmlinuz"), "bz");
        store.add(new io.jcap.kernels.KernelDraft("osv", "6.1", "custom", "file:x", vmlinuz, List.of()));
        JcapException e = assertThrows(JcapException.class,
                () -> OsvInputs.of(capstanfile("fs: rofs\ncmdline: /hello\n"), store, repository(), events));
        assertEquals("kernel 'osv' is a Linux kernel, not an OSv loader image: name the loader in kernel (the ZFS"
                + " builder kernel is found as 'osv-zfs-builder')", e.getMessage());
    }

    @Test
    void of_commandNotInTheImage_warns() throws Exception {
        OsvInputs.of(capstanfile("kernel: osv\ncmdline: --verbose /java.so -jar /app.jar\n"), store, repository(), events);
        assertEquals(List.of("the command /java.so is not among the image's files; the image runs only if OSv's"
                + " loader provides it"), warnings);
    }

}
