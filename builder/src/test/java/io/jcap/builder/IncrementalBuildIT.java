package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.ImageFile;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.hypervisor.Accelerator;
import io.jcap.model.GuestPath;
import io.jcap.model.Sha256;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.RecordedEvents;
import io.jcap.testsupport.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Linux image rebuilt after a change starts from its previous disk (jcap.incremental=1): one
 * file changed, one removed, one whose mode changed; the guest gets only those, the image runs
 * the new content, and its files are those of a build from scratch.
 */
@Requires({Component.QEMU, Component.LINUX_KERNEL})
class IncrementalBuildIT {
    private static final Pattern STREAMED = Pattern.compile("Guest received (\\d+) entries, (\\d+) bytes");
    private static final Pattern INCREMENTAL = Pattern.compile("incremental: (\\d+) changed, (\\d+) removed, (\\d+) bytes"
            + " streamed");

    @TempDir
    Path temp;

    @Test
    void rebuild_afterChangingRemovingAndChmodding_streamsTheDeltaAndEqualsAColdBuild() throws Exception {
        JcapHome home = TestMachine.homeWithKernels(temp.resolve("home"));
        Path project = Files.createDirectories(temp.resolve("app"));
        Files.writeString(project.resolve("greeting.txt"), "first greeting\n");
        Files.writeString(project.resolve("old.txt"), "soon gone\n");
        Path tool = Files.writeString(project.resolve("tool.sh"), "#!/bin/sh\n");
        // Bulk the image with a file that stays, so that the delta is small beside it.
        Files.write(project.resolve("big.bin"), new byte[4 << 20]);
        String files = "  /bin/cat: /usr/bin/cat\n  /app/greeting.txt: greeting.txt\n  /app/tool.sh: tool.sh\n"
                + "  /app/big.bin: big.bin\n";
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /bin/cat /app/greeting.txt\nruntime: native\n"
                + "files:\n" + files + "  /app/old/old.txt: old.txt\n");
        RecordedEvents events = new RecordedEvents();
        ImageBuilder builder = new ImageBuilder(home, events);
        BuildRequest request = new BuildRequest(project, Optional.of("incr"), Optional.of(Accelerator.TCG), false);
        builder.build(request);
        long coldBytes = streamed(events.lines());
        assertTrue(events.lines().stream().noneMatch(l -> l.startsWith("incremental:")), events.lines().toString());

        Files.writeString(project.resolve("greeting.txt"), "second greeting\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /bin/cat /app/greeting.txt\nruntime: native\n"
                + "files:\n" + files);
        events.clear();
        builder.build(request);

        Matcher delta = match(INCREMENTAL, events.lines());
        // greeting.txt and tool.sh changed; /app/old/old.txt and /app/old are gone.
        assertEquals("2", delta.group(1), events.lines().toString());
        assertEquals("2", delta.group(2));
        long incrementalBytes = Long.parseLong(delta.group(3));
        assertEquals(incrementalBytes, streamed(events.lines()));
        assertTrue(incrementalBytes * 100 < coldBytes, incrementalBytes + " bytes streamed of " + coldBytes);
        assertEquals(List.of("second greeting"), run(home));
        List<ImageFile> incremental = new ImageFiles(home, events).list("incr", GuestPath.ROOT);
        ImageRepository repository = new ImageRepository(home.images());
        Sha256 incrementalDigest = repository.get("incr").metadata().streamDigest();
        assertTrue(incremental.stream().noneMatch(f -> f.path().value().startsWith("/app/old")), incremental.toString());
        assertTrue(incremental.stream().anyMatch(f -> f.path().value().equals("/app/tool.sh") && f.mode() == 0700),
                incremental.toString());

        events.clear();
        builder.build(new BuildRequest(project, Optional.of("incr"), Optional.of(Accelerator.TCG), true));
        assertTrue(events.lines().contains("INFO Building incr from scratch (forced)"), events.lines().toString());
        assertEquals(incremental, new ImageFiles(home, events).list("incr", GuestPath.ROOT));
        // The stream digest is the full tree's, whichever way the disk was made.
        assertEquals(incrementalDigest, repository.get("incr").metadata().streamDigest());
        assertEquals(List.of("second greeting"), run(home));
    }

    @Test
    void rebuild_entriesThatChangedType_streamsTheDeltaAndEqualsAColdBuild() throws Exception {
        JcapHome home = TestMachine.homeWithKernels(temp.resolve("home"));
        Path project = Files.createDirectories(temp.resolve("app"));
        Files.writeString(project.resolve("greeting.txt"), "a greeting\n");
        String files = "  /bin/cat: /usr/bin/cat\n  /app/greeting.txt: greeting.txt\n";
        // /app/kind a file, /app/dir a folder holding one...
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /bin/cat /app/greeting.txt\nruntime: native\n"
                + "files:\n" + files + "  /app/kind: greeting.txt\n  /app/dir/inner.txt: greeting.txt\n");
        RecordedEvents events = new RecordedEvents();
        ImageBuilder builder = new ImageBuilder(home, events);
        BuildRequest request = new BuildRequest(project, Optional.of("incr"), Optional.of(Accelerator.TCG), false);
        builder.build(request);

        // ... then /app/kind a folder and /app/dir a file.
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /bin/cat /app/greeting.txt /app/kind/inner.txt"
                + " /app/dir\nruntime: native\nfiles:\n" + files + "  /app/kind/inner.txt: greeting.txt\n"
                + "  /app/dir: greeting.txt\n");
        events.clear();
        builder.build(request);

        assertTrue(events.lines().stream().noneMatch(l -> l.contains("from scratch")), events.lines().toString());
        Matcher delta = match(INCREMENTAL, events.lines());
        // Removed: /app/kind (a file), /app/dir/inner.txt and /app/dir (a folder).
        assertEquals("3", delta.group(2), events.lines().toString());
        assertEquals(List.of("a greeting", "a greeting", "a greeting"), run(home));
        List<ImageFile> incremental = new ImageFiles(home, events).list("incr", GuestPath.ROOT);
        Sha256 incrementalDigest = new ImageRepository(home.images()).get("incr").metadata().streamDigest();

        events.clear();
        builder.build(new BuildRequest(project, Optional.of("incr"), Optional.of(Accelerator.TCG), true));
        assertEquals(incremental, new ImageFiles(home, events).list("incr", GuestPath.ROOT));
        assertEquals(incrementalDigest, new ImageRepository(home.images()).get("incr").metadata().streamDigest());
    }

    @Test
    void rebuilds_replacingABigFile_keepTheImageNearAColdBuildsSize() throws Exception {
        JcapHome home = TestMachine.homeWithKernels(temp.resolve("home"));
        Path project = Files.createDirectories(temp.resolve("app"));
        Path blob = project.resolve("blob.bin");
        java.util.Random random = new java.util.Random(19);
        byte[] bytes = new byte[3 << 20];
        random.nextBytes(bytes);
        Files.write(blob, bytes);
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /bin/cat /app/blob.bin\nruntime: native\n"
                + "files:\n  /bin/cat: /usr/bin/cat\n  /app/blob.bin: blob.bin\n");
        RecordedEvents events = new RecordedEvents();
        ImageBuilder builder = new ImageBuilder(home, events);
        BuildRequest request = new BuildRequest(project, Optional.of("blob"), Optional.of(Accelerator.TCG), false);
        builder.build(request);
        ImageRepository repository = new ImageRepository(home.images());
        long cold = Files.size(repository.get("blob").file());

        // Each rebuild replaces 3 MB of incompressible bytes: without the guest's trim (and the
        // drive passing it on), the old bytes would pile up in the image.
        List<String> rebuilds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            random.nextBytes(bytes);
            Files.write(blob, bytes);
            events.clear();
            builder.build(request);
            match(INCREMENTAL, events.lines());
            rebuilds.addAll(events.lines());
        }
        long after = Files.size(repository.get("blob").file());
        assertTrue(after < cold + cold / 10 + (4 << 20),
                "after three rebuilds " + after + " bytes, cold " + cold + ": " + rebuilds);

        // Text compresses: the commit writes it uncompressed, which grows the image past a tenth,
        // and the image is compacted back.
        StringBuilder text = new StringBuilder();
        for (int line = 0; text.length() < (3 << 20); line++) {
            text.append("line ").append(line).append(" of a log that compresses well\n");
        }
        Files.writeString(blob, text);
        events.clear();
        builder.build(request);
        assertTrue(events.lines().stream().anyMatch(l -> l.startsWith("INFO incremental: compacted the disk")),
                events.lines().toString());
        assertTrue(Files.size(repository.get("blob").file()) < cold, "text takes less than random bytes");
    }

    private static List<String> run(JcapHome home) throws Exception {
        List<String> output = new ArrayList<>();
        int status = new ImageRunner(home, io.jcap.model.EventSink.NONE)
                .run(RunRequest.of("incr").withAccelerator(Optional.of(Accelerator.TCG)), output::add);
        assertEquals(0, status, output.toString());
        return output;
    }

    private static long streamed(List<String> lines) {
        return Long.parseLong(match(STREAMED, lines).group(2));
    }

    private static Matcher match(Pattern pattern, List<String> lines) {
        for (String line : lines) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m;
            }
        }
        throw new AssertionError("no line matches " + pattern + " in " + lines);
    }
}
