package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.api.BootMode;
import io.jcap.builder.api.CloudInitData;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.family.RunPlan;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.DiskFormat;
import io.jcap.formats.iso9660.IsoReader;
import io.jcap.formats.iso9660.IsoVolume;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.GuestDevices;
import io.jcap.hypervisor.Ovmf;
import io.jcap.hypervisor.Qboot;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.kernels.Initramfs;
import io.jcap.model.EventSink;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Requirements;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxRunPlanTest {
    @TempDir
    Path dir;

    private JcapHome homeWithImage(int guestProtocol) throws Exception {
        return homeWithImage(guestProtocol, false);
    }

    private JcapHome homeWithImage(int guestProtocol, boolean directBoot) throws Exception {
        return homeWithImage(guestProtocol, directBoot, "linux");
    }

    private JcapHome homeWithImage(int guestProtocol, boolean directBoot, String kernel) throws Exception {
        return StoredImages.homeWithImage(dir, guestProtocol, directBoot, kernel);
    }

    private static RunPlan prepare(JcapHome home, RunRequest request) throws JcapException {
        return LinuxRunPlan.prepare(home, new ImageRepository(home.images()).get(request.image()), request,
                EventSink.NONE);
    }

    @Test
    void prepare_runSettingsForAnImageWhoseInitCannotReadThem_isRefused() throws Exception {
        JcapHome home = homeWithImage(1);

        JcapException env = assertThrows(JcapException.class,
                () -> prepare(home, RunRequest.of("old").withEnv(Map.of("A", "1"))));
        JcapException cmd = assertThrows(JcapException.class,
                () -> prepare(home, RunRequest.of("old").withCmd(Optional.of("/app/x 1"))));

        String expected = "image 'old' was built by an older jcap whose guest init cannot take run-time settings"
                + " (-e, --cmd): build it again with jcap build";
        assertEquals(expected, env.getMessage());
        assertEquals(expected, cmd.getMessage());
    }

    @Test
    void materialize_userData_attachesAReadOnlyOwnerOnlyNoCloudSeed() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, true);
        Path userData = Files.writeString(dir.resolve("user-data"), "#cloud-config\nhostname: web1\n");
        RunPlan plan = prepare(home, RunRequest.of("old").withAccelerator(Optional.of(Accelerator.TCG))
                .withCloudInit(Optional.of(CloudInitData.of(userData))));

        VmSpec spec = plan.materialize(Files.createDirectories(dir.resolve("run")));

        Drive seed = spec.drives().get(1);
        // The init scans the block devices for the seed: no jcap.seed=none.
        assertEquals(Optional.of("console=ttyS0 jcap.mode=run jcap.net=static nolapic_timer no_timer_check"),
                spec.append());
        assertTrue(seed.readOnly());
        assertEquals(DiskFormat.RAW, seed.format());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(seed.file())));
        IsoVolume volume = IsoReader.read(Files.readAllBytes(seed.file()));
        assertEquals("cidata", volume.label());
        assertEquals("#cloud-config\nhostname: web1\n", new String(volume.files().get("user-data"),
                StandardCharsets.UTF_8));
        assertEquals("instance-id: old\n", new String(volume.files().get("meta-data"), StandardCharsets.UTF_8));
    }

    @Test
    void prepare_missingUserDataFile_isRefusedNamingTheOption() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, true);
        Path missing = dir.resolve("nope");

        JcapException e = assertThrows(JcapException.class, () -> prepare(home, RunRequest.of("old")
                .withAccelerator(Optional.of(Accelerator.TCG)).withCloudInit(Optional.of(CloudInitData.of(missing)))));

        assertEquals("--user-data " + missing + ": no such file", e.getMessage());
    }

    @Test
    void prepare_userDataForAnImageWhoseInitCannotReadIt_isRefused() throws Exception {
        JcapHome home = homeWithImage(2);
        Path userData = Files.writeString(dir.resolve("user-data"), "#cloud-config\n");

        JcapException e = assertThrows(JcapException.class, () -> prepare(home, RunRequest.of("old")
                .withCloudInit(Optional.of(CloudInitData.of(userData)))));

        assertEquals("image 'old' was built by an older jcap whose guest init does not read cloud-init data"
                + " (--user-data): build it again with jcap build", e.getMessage());
    }

    /** Before guest protocol 3 the init loaded virtio drivers only: another disk bus failed at boot, another card ran offline. */
    /** jcap run -i: an init before protocol 6 would refuse the unknown setting, so the host refuses first. */
    @Test
    void prepare_interactiveForAnImageWhoseInitCannotTakeInput_isRefused() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL_INTERACTIVE - 1);

        JcapException e = assertThrows(JcapException.class,
                () -> prepare(home, RunRequest.of("old").withInteractive(true)));

        assertEquals("image 'old' was built by an older jcap whose guest init cannot take console input (-i): build it"
                + " again with jcap build", e.getMessage());
    }

    @Test
    void prepare_otherDevicesForAnImageWhoseInitLoadsVirtioDriversOnly_isRefused() throws Exception {
        JcapHome home = homeWithImage(2);

        JcapException e = assertThrows(JcapException.class, () -> prepare(home, RunRequest.of("old")
                .withDevices(new io.jcap.hypervisor.GuestDevices(io.jcap.hypervisor.DiskBus.NVME,
                        io.jcap.hypervisor.NicModel.VIRTIO))));

        assertEquals("image 'old' was built by an older jcap whose guest init loads virtio drivers only (--disk-bus and"
                + " --nic-model pick others): build it again with jcap build", e.getMessage());
    }

    @Test
    void tcgTimer_addsOnlyWhatTheImagesOwnLineLacks() {
        assertEquals(" nolapic_timer no_timer_check", LinuxRunPlan.tcgTimer("console=ttyS0 jcap.mode=run"));
        assertEquals(" nolapic_timer", LinuxRunPlan.tcgTimer(LinuxBoot.runAppend("ext4", LinuxBoot.rootUuid("x"))));
        assertEquals("", LinuxRunPlan.tcgTimer("quiet nolapic_timer no_timer_check"));
    }

    @Test
    void materialize_imageWithBootFiles_bootsItsKernelDirectly() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, true);
        RunPlan plan = prepare(home, RunRequest.of("old").withAccelerator(Optional.of(Accelerator.TCG)));

        VmSpec spec = plan.materialize(Files.createDirectories(dir.resolve("run")));

        Path boot = home.images().resolve("old").resolve("boot");
        assertEquals("tcg, direct boot", plan.description());
        assertEquals(Optional.of(boot.resolve("vmlinuz")), spec.kernel());
        assertEquals(Optional.of(boot.resolve("initrd.img")), spec.initrd());
        assertEquals(Optional.of("console=ttyS0 jcap.mode=run jcap.net=static jcap.seed=none nolapic_timer"
                + " no_timer_check"), spec.append());
        assertEquals(OptionalInt.empty(), spec.drives().get(0).bootIndex());
        assertEquals(Qboot.find(), spec.firmware());
    }

    @Test
    void materialize_directBootShowingItsBoot_letsTheKernelPrintEverything() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, true);
        RunPlan plan = prepare(home, RunRequest.of("old").withAccelerator(Optional.of(Accelerator.TCG)).withShowBoot(true));

        VmSpec spec = plan.materialize(Files.createDirectories(dir.resolve("run")));

        assertEquals(Optional.of("console=ttyS0 jcap.mode=run jcap.net=static jcap.seed=none nolapic_timer"
                + " no_timer_check ignore_loglevel"),
                spec.append());
    }

    @Test
    void materialize_directBootUnderKvm_keepsTheApicTimer() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, true);
        ImageRepository.StoredImage image = new ImageRepository(home.images()).get("old");
        DirectBoot.Check check = DirectBoot.of(image.folder()).orElseThrow().check();
        LinuxRunPlan kvm = new LinuxRunPlan(image, Accelerator.KVM, 128, 1, List.of(), Optional.empty(),
                Optional.of(check), Optional.empty(), GuestDevices.VIRTIO, Optional.empty(), false, List.of());

        VmSpec spec = kvm.in(Files.createDirectories(dir.resolve("run")));

        assertEquals(Optional.of("console=ttyS0 jcap.mode=run jcap.net=static jcap.seed=none"), spec.append());
    }

    @Test
    void materialize_runSettings_areWrittenOwnerOnlyWithTheOverlay() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, true);
        RunPlan plan = prepare(home, RunRequest.of("old").withAccelerator(Optional.of(Accelerator.TCG))
                .withEnv(Map.of("TOKEN", "secret")));

        VmSpec spec = plan.materialize(Files.createDirectories(dir.resolve("run")));

        Path settings = spec.firmwareFiles().get(0).file();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(settings)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spec.drives().get(0).file())));
    }

    @Test
    void materialize_aLinkPlantedAtTheSettingsFile_isRefusedAndNothingIsWrittenThroughIt() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, true);
        RunPlan plan = prepare(home, RunRequest.of("old").withAccelerator(Optional.of(Accelerator.TCG))
                .withEnv(Map.of("TOKEN", "secret")));
        Path run = Files.createDirectories(dir.resolve("run"));
        Path victim = Files.writeString(dir.resolve("victim"), "keep me\n");
        Path link = Files.createSymbolicLink(run.resolve("settings"), victim);

        JcapException e = assertThrows(JcapException.class, () -> plan.materialize(run));

        assertEquals("cannot write the run's settings to " + link + ": a symbolic link (to " + victim
                + ") is in its place; jcap does not follow links there: remove the link", e.getMessage());
        assertEquals("keep me\n", Files.readString(victim));
    }

    @Test
    void materialize_initramfsChangedSinceTheBuild_isRefusedNamingTheFile() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, true);
        Path initrd = home.images().resolve("old").resolve("boot").resolve("initrd.img");
        Files.write(initrd, new byte[] {'x'});
        RunPlan plan = prepare(home, RunRequest.of("old").withAccelerator(Optional.of(Accelerator.TCG)));

        JcapException e = assertThrows(JcapException.class,
                () -> plan.materialize(Files.createDirectories(dir.resolve("run"))));

        assertEquals("image 'old': " + initrd + " does not match the SHA-256 recorded when the image was built: build"
                + " it again with jcap build --force, or run it with --boot disk", e.getMessage());
    }

    @Test
    void materialize_diskBootAsked_bootsTheDiskThroughTheFirmware() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, true);
        RunPlan plan = prepare(home, RunRequest.of("old").withAccelerator(Optional.of(Accelerator.TCG))
                .withBoot(Optional.of(BootMode.DISK)));

        VmSpec spec = plan.materialize(Files.createDirectories(dir.resolve("run")));

        assertEquals("tcg, disk boot", plan.description());
        assertEquals(Optional.empty(), spec.kernel());
        assertEquals(Optional.empty(), spec.append());
        assertEquals(OptionalInt.of(0), spec.drives().get(0).bootIndex());
        assertEquals(Optional.empty(), spec.firmware(), "SeaBIOS boots the disk: qboot cannot");
    }

    @Test
    void prepare_imageWithoutBootFiles_bootsItsDiskUnlessDirectIsAsked() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, false);
        RunRequest request = RunRequest.of("old").withAccelerator(Optional.of(Accelerator.TCG));

        RunPlan plan = prepare(home, request);
        JcapException e = assertThrows(JcapException.class,
                () -> prepare(home, request.withBoot(Optional.of(BootMode.DIRECT))));

        assertEquals("tcg, disk boot", plan.description());
        assertEquals("image 'old' has no kernel stored beside its disk for a direct boot (it was built by an older"
                + " jcap): build it again, or run it with --boot disk", e.getMessage());
    }

    @Test
    void prepare_directBootThroughLibvirt_isRefusedBeforeAnythingStarts() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, true);

        JcapException e = assertThrows(JcapException.class, () -> prepare(home, RunRequest.of("old")
                .withLibvirt(Optional.of(LibvirtUri.SYSTEM)).withBoot(Optional.of(BootMode.DIRECT))));

        assertEquals("--boot direct needs the qemu driver: libvirt domains boot the image's disk (use --boot disk or"
                + " leave --boot out)", e.getMessage());
        assertEquals(io.jcap.model.ExitCode.USAGE, e.exitCode(), "a command line that asks for two things at odds");
    }

    @Test
    void prepare_libvirtDaemonThatDoesNotAnswer_isAnEnvironmentProblem() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL);
        LibvirtUri nobody = LibvirtUri.parse("qemu+tcp://127.0.0.1:1/system");

        JcapException e = assertThrows(JcapException.class,
                () -> prepare(home, RunRequest.of("old").withLibvirt(Optional.of(nobody))));

        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().startsWith("cannot connect to libvirt at qemu+tcp://127.0.0.1:1/system: "),
                e.getMessage());
    }

    @Test
    void materialize_uefiBoot_bootsTheDiskThroughOvmfWithoutAKernel() throws Exception {
        Requirements.require(Ovmf.find().isPresent(), "OVMF (apt-get install ovmf)");
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, true);
        RunPlan plan = prepare(home, RunRequest.of("old").withAccelerator(Optional.of(Accelerator.TCG))
                .withBoot(Optional.of(BootMode.UEFI)));

        VmSpec spec = plan.materialize(Files.createDirectories(dir.resolve("run")));

        assertEquals("tcg, uefi boot", plan.description());
        assertEquals(Ovmf.find(), spec.firmware());
        assertEquals(Optional.empty(), spec.kernel());
        assertEquals(OptionalInt.of(0), spec.drives().get(0).bootIndex());
    }

    @Test
    void prepare_uefiBootOfAnImageWithAnMbrDisk_isRefused() throws Exception {
        JcapHome home = homeWithImage(3, true);

        JcapException e = assertThrows(JcapException.class, () -> prepare(home, RunRequest.of("old")
                .withAccelerator(Optional.of(Accelerator.TCG)).withBoot(Optional.of(BootMode.UEFI))));

        assertEquals("image 'old' was built by an older jcap whose disks boot by BIOS only: build it again with jcap"
                + " build to boot it under UEFI", e.getMessage());
    }

    @Test
    void prepare_uefiBootOfALinuxMiniImage_isRefused() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, true, "linux-mini");

        JcapException e = assertThrows(JcapException.class, () -> prepare(home, RunRequest.of("old")
                .withAccelerator(Optional.of(Accelerator.TCG)).withBoot(Optional.of(BootMode.UEFI))));

        assertEquals("image 'old' boots kernel linux-mini, which is built without EFI support: under UEFI it could not"
                + " power off or see the power button; boot it with --boot disk (BIOS) or direct, or build it with"
                + " kernel: linux to boot it under UEFI", e.getMessage());
    }

    /** A bzImage setup header of boot protocol 2.15: loaded at 16 MiB, unpacking into {@code initSize} bytes. */
    private static byte[] bzImageHeader(long initSize) {
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(0x400).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x202, 0x53726448);
        h.putShort(0x206, (short) 0x20f);
        h.putLong(0x258, 16L << 20);
        h.putInt(0x260, (int) initSize);
        return h.array();
    }

    @Test
    void bootMemory_isTheKernelsUnpackingRoomItsInitramfsAndHeadroom_inSteps_of8MiB() throws Exception {
        Path boot = Files.createDirectories(dir.resolve("boot"));
        Files.write(boot.resolve(DirectBoot.INITRD), new byte[182_784]);
        // Debian's cloud kernel 6.1: init_size 51.47 MiB; booted in 80 MiB, panicked in 72.
        Files.write(boot.resolve(DirectBoot.KERNEL), bzImageHeader(53_968_896));
        assertEquals(OptionalInt.of(80), LinuxRunPlan.bootMemoryMiB(boot));
        // linux-mini: init_size 15.86 MiB, a 3.1 MiB initramfs; panicked in 32 MiB.
        Files.write(boot.resolve(DirectBoot.INITRD), new byte[3_236_352]);
        Files.write(boot.resolve(DirectBoot.KERNEL), bzImageHeader(16_625_664));
        assertEquals(OptionalInt.of(48), LinuxRunPlan.bootMemoryMiB(boot));
        // Not a bzImage (an older protocol, or another file): unknown, not checked.
        Files.write(boot.resolve(DirectBoot.KERNEL), new byte[] {'k'});
        assertEquals(OptionalInt.empty(), LinuxRunPlan.bootMemoryMiB(boot));
    }

    @Test
    void prepare_memoryBelowWhatTheKernelBootsIn_isRefusedSayingHowMuch() throws Exception {
        JcapHome home = homeWithImage(Initramfs.GUEST_PROTOCOL, true);
        ImageRepository.StoredImage image = new ImageRepository(home.images()).get("old");
        Files.write(image.folder().resolve(DirectBoot.FOLDER).resolve(DirectBoot.KERNEL), bzImageHeader(53_968_896));

        JcapException asked = assertThrows(JcapException.class, () -> LinuxRunPlan.checkBootMemory(image, 72, true));
        assertEquals("72M is too little memory for image 'old': its kernel needs at least 80M to boot (it unpacks"
                + " itself, with its initramfs, into most of that); give -m 80M or more", asked.getMessage());
        JcapException stored = assertThrows(JcapException.class, () -> LinuxRunPlan.checkBootMemory(image, 64, false));
        assertEquals("image 'old' has memory 64M (its Capstanfile's), too little: its kernel needs at least 80M to boot"
                + " (it unpacks itself, with its initramfs, into most of that); run it with -m 80M or more, or raise"
                + " memory in its Capstanfile", stored.getMessage());
        LinuxRunPlan.checkBootMemory(image, 80, true);
    }
}
