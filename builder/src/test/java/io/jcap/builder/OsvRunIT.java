package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.api.BootMode;
import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.VmException;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.testsupport.OsvLoaders;
import io.jcap.testsupport.PvhKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running OSv images with {@code jcap run}'s runner. OSv itself cannot be had here, so the image's
 * loader is a boot sector that prints lines on the serial console and powers the VM off, as OSv
 * does when its application exits.
 */
class OsvRunIT {
    @TempDir
    Path temp;

    private JcapHome buildImage(byte[] loader) throws Exception {
        JcapHome home = OsvSamples.homeWithLoader(temp.resolve("home"), "osv", loader);
        Path project = Files.createDirectories(temp.resolve("app"));
        Files.writeString(project.resolve("hello"), "hello");
        Files.writeString(project.resolve("Capstanfile"), "kernel: osv\ncmdline: /hello\nfiles:\n  /hello: hello\n"
               );
        new ImageBuilder(home, EventSink.NONE).build(new BuildRequest(project, Optional.of("app"), Optional.empty(), false));
        return home;
    }

    @Test
    void run_guestThatPowersOffByItself_passesTheApplicationsLinesOnAndReturns0() throws Exception {
        TestMachine.qemu();
        JcapHome home = buildImage(OsvLoaders.bootable("OSv v0.0-synthetic", "Cmdline: /app/hello",
                "Hello from the application"));
        List<String> output = new CopyOnWriteArrayList<>();
        int status = new ImageRunner(home, EventSink.NONE)
                .run(RunRequest.of("app").withAccelerator(Optional.of(Accelerator.TCG)), output::add);
        assertEquals(0, status);
        // OSv's lines up to "Cmdline: ..." are boot output, shown only when asked.
        assertEquals(List.of("Hello from the application"), output);
        List<String> all = new CopyOnWriteArrayList<>();
        new ImageRunner(home, EventSink.NONE).run(RunRequest.of("app").withAccelerator(Optional.of(Accelerator.TCG))
                .withShowBoot(true), all::add);
        assertTrue(all.indexOf("OSv v0.0-synthetic") < all.indexOf("Hello from the application"), String.join("\n", all));
        try (var left = Files.list(home.tmp())) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void run_loaderHoldingAKernel_bootsItDirectly_withTheApplicationsExitStatus_andTheDiskStillBoots()
            throws Exception {
        TestMachine.qemu();
        // A kernel QEMU boots the way it boots OSv's loader.elf, that names the exit tracepoint and prints
        // the trace line of a program returning 3; the loader holds it as OSv's holds its kernel.
        byte[] kernel = PvhKernel.elf(List.of("OSv v0.0-synthetic", "--strace", "app_main_ret"), "OSv v0.0-synthetic",
                "Cmdline: /hello", "Hello from the kernel", "/hello  0  0.1 app_main_ret(return_code=3)");
        JcapHome home = buildImage(OsvLoaders.withKernel(kernel, "OSv v0.0-synthetic", "Cmdline: /hello",
                "Hello from the disk"));
        ImageRunner runner = new ImageRunner(home, EventSink.NONE);
        RunRequest request = RunRequest.of("app").withAccelerator(Optional.of(Accelerator.TCG));
        assertEquals("OSv, tcg, direct boot", runner.plan(request).description());
        assertTrue(runner.plan(request).materialize(Files.createDirectories(temp.resolve("plan"))).append().get()
                .startsWith("--trace=app_main_ret --strace "), "the kernel names the tracepoint");

        List<String> direct = new CopyOnWriteArrayList<>();
        assertEquals(3, runner.run(request, direct::add));
        assertEquals(List.of("Hello from the kernel"), direct);

        List<String> disk = new CopyOnWriteArrayList<>();
        assertEquals(0, runner.run(request.withBoot(Optional.of(BootMode.DISK)), disk::add));
        assertEquals(List.of("Hello from the disk"), disk);
    }

    @Test
    void run_guestThatAborts_isAFailureWithTheConsole() throws Exception {
        TestMachine.qemu();
        JcapHome home = buildImage(OsvLoaders.bootable("OSv v0.0-synthetic", "Aborted"));
        VmException e = assertThrows(VmException.class, () -> new ImageRunner(home, EventSink.NONE)
                .run(RunRequest.of("app").withAccelerator(Optional.of(Accelerator.TCG)), line -> { }));
        assertEquals("the OSv guest failed: Aborted", e.summary());
        assertTrue(e.consoleTail().contains("OSv v0.0-synthetic"), String.join("\n", e.consoleTail()));
    }

    @Test
    void run_directBootAsked_ofAnImageWhoseLoaderHoldsNoKernel_saysHowToRunIt() throws Exception {
        JcapHome home = buildImage(OsvLoaders.bootable("OSv v0.0-synthetic", "Cmdline: /app/hello",
                "Hello from the application"));
        JcapException e = assertThrows(JcapException.class, () -> new ImageRunner(home, EventSink.NONE)
                .run(RunRequest.of("app").withBoot(Optional.of(BootMode.DIRECT)), line -> { }));
        assertEquals("OSv image 'app' keeps no kernel beside its disk for a direct boot (its loader holds none jcap can"
                + " take out, or an older jcap built it): build it again, or run it with --boot disk", e.getMessage());
    }
}
