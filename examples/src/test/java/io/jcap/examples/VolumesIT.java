package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcap run --volume}: what a guest writes on a volume is there for the next run, on a named
 * volume of jcap's store and on a disk image file, cleanly unmounted; a read-only volume cannot be
 * written; a volume a running guest holds is neither removed nor given to a second guest.
 */
class VolumesIT {
    /**
     * Counts its runs in /data/count, and says the mode of /data (a new volume takes its folder's)
     * and what /data/seed.txt holds when there is one; the count is synced (its journal committed)
     * before it is printed; with "wait", waits for the power button after counting.
     */
    static final String COUNTER = "#include <stdio.h>\n#include <string.h>\n#include <unistd.h>\n"
            + "#include <sys/stat.h>\n"
            + "int main(int argc, char **argv) {\n"
            + "    struct stat st;\n"
            + "    if (stat(\"/data\", &st) == 0) printf(\"mode %o\\n\", (unsigned)(st.st_mode & 07777));\n"
            + "    char seed[64];\n"
            + "    FILE *s = fopen(\"/data/seed.txt\", \"r\");\n"
            + "    if (s) { if (fgets(seed, sizeof seed, s)) printf(\"seed %s\", seed); fclose(s); }\n"
            + "    int n = 0;\n"
            + "    FILE *f = fopen(\"/data/count\", \"r\");\n"
            + "    if (f) { if (fscanf(f, \"%d\", &n) != 1) n = -100; fclose(f); }\n"
            + "    f = fopen(\"/data/count\", \"w\");\n"
            + "    if (!f) { printf(\"count %d read-only\\n\", n); return 0; }\n"
            + "    fprintf(f, \"%d\\n\", n + 1);\n"
            + "    fflush(f); fsync(fileno(f)); fclose(f);\n"
            + "    printf(\"count %d\\n\", n + 1);\n"
            + "    fflush(stdout);\n"
            + "    if (argc > 1 && strcmp(argv[1], \"wait\") == 0) pause();\n"
            + "    return 0;\n"
            + "}\n";
    private static final Duration BOOT = Duration.ofSeconds(90);

    @TempDir
    static Path temp;
    static JcapProcess jcap;

    @BeforeAll
    static void build() throws Exception {
        JcapProcess.requireMachine();
        Requirements.requireProgram("debugfs", "e2fsprogs");
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.cProject(temp, "counter", COUNTER, "");
        // The mount point: volumes go on a folder the image has (its root file system is read-only).
        // World-writable, as for an application running as another user: a new volume takes it on.
        Path data = Files.createDirectories(project.resolve("ROOTFS/data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        // The application's defaults in the image's folder: a new volume starts with them (copy-up).
        Path seed = Files.writeString(data.resolve("seed.txt"), "defaults\n");
        Files.setPosixFilePermissions(seed, PosixFilePermissions.fromString("rw-r-----"));
        Files.createSymbolicLink(data.resolve("current"), Path.of("seed.txt"));
        Files.writeString(Files.createDirectories(data.resolve("conf")).resolve("app.conf"), "level=1\n");
        // More than a 4 MiB volume holds: a new one that small cannot take a copy of /big.
        byte[] blob = new byte[6 << 20];
        new Random(7).nextBytes(blob);
        Files.write(Files.createDirectories(project.resolve("ROOTFS/big")).resolve("blob"), blob);
        // A link named as a mount point: the guest refuses it (the volume would go where it points).
        Files.createSymbolicLink(project.resolve("ROOTFS/linked"), Path.of("data"));
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());
    }

    @AfterAll
    static void noneLeft() throws Exception {
        if (jcap != null) {
            jcap.run("rm", "-f", "holder");
            assertEquals(List.of(), InstancesIT.qemuProcessesOf(jcap.home));
        }
    }

    @Test
    void namedVolume_keepsWhatTheGuestWrote_runAfterRun_andReadOnlyCannotWrite() throws Exception {
        JcapProcess.Result first = jcap.run("run", "--volume", "counts:/data", "counter");
        JcapProcess.Result second = jcap.run("run", "--volume", "counts:/data", "counter");
        JcapProcess.Result readOnly = jcap.run("run", "--volume", "counts:/data:ro", "counter");
        JcapProcess.Result list = jcap.run("volume", "ls");

        assertEquals(0, first.exitCode(), first.toString());
        assertEquals("mode 777\nseed defaults\ncount 1\n", first.out(), first.toString());
        assertTrue(first.err().contains("Created volume counts (1.0 GiB, ext4)"), first.toString());
        assertEquals("mode 777\nseed defaults\ncount 2\n", second.out(), second.toString());
        assertFalse(second.err().contains("Created volume"), second.toString());
        assertEquals("mode 777\nseed defaults\ncount 2 read-only\n", readOnly.out(), readOnly.toString());
        assertTrue(list.out().matches("(?s)NAME +SIZE +IN USE +FILE\ncounts +1\\.0 GiB +no +.*/volumes/counts\\.img\n"),
                list.toString());

        JcapProcess.Result removed = jcap.run("volume", "rm", "counts");
        JcapProcess.Result fresh = jcap.run("run", "--volume", "counts:/data", "counter");

        assertEquals("removed counts\n", removed.out(), removed.toString());
        assertEquals("mode 777\nseed defaults\ncount 1\n", fresh.out(), fresh.toString());
        assertEquals(0, jcap.run("volume", "rm", "counts").exitCode());
    }

    /** A volume made from a folder of this machine holds its files: no copy-up over them. */
    @Test
    void volumeCreatedFromAFolder_startsWithItsFiles() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("import"));
        Files.writeString(folder.resolve("seed.txt"), "imported\n");

        JcapProcess.Result create = jcap.run("volume", "create", "imported", "--size", "16M", "--from",
                folder.toString());
        JcapProcess.Result run = jcap.run("run", "--volume", "imported:/data", "counter");

        assertEquals("imported\n", create.out(), create.toString());
        assertEquals("mode 755\nseed imported\ncount 1\n", run.out(), run.toString());
        assertEquals(0, jcap.run("volume", "rm", "imported").exitCode());
    }

    /**
     * A disk image file of the user's: the image's files are copied onto it as it is new, the
     * guest's write is in it, and its file system is clean.
     */
    @Test
    void fileVolume_holdsTheGuestsWrite_cleanlyUnmounted() throws Exception {
        Path disk = temp.resolve("disk.img");
        host("mke2fs", "-q", "-F", "-t", "ext4", disk.toString(), "16M");

        JcapProcess.Result run = jcap.run("run", "--volume", disk + ":/data", "counter");

        assertEquals("mode 777\nseed defaults\ncount 1\n", run.out(), run.toString());
        assertEquals("1\n", host("debugfs", "-R", "cat /count", disk.toString()));
        // The image's files copied onto the new volume: contents, modes, times (an image's are all
        // SOURCE_DATE_EPOCH or 0, where a new file's would be now), links and folders.
        String epoch = System.getenv().getOrDefault("SOURCE_DATE_EPOCH", "0");
        long seconds = epoch.matches("\\d{1,12}") ? Long.parseLong(epoch) : 0;
        String imageTime = String.format("mtime: 0x%08x:00000000", seconds);
        String seedStat = host("debugfs", "-R", "stat /seed.txt", disk.toString());
        assertTrue(seedStat.contains("Mode:  0640") && seedStat.contains(imageTime), seedStat);
        assertTrue(host("debugfs", "-R", "stat /current", disk.toString()).contains("Fast link dest: \"seed.txt\""));
        assertEquals("level=1\n", host("debugfs", "-R", "cat /conf/app.conf", disk.toString()));
        // e2fsck -n exits 0 only when the file system is clean: the init unmounted it before power-off.
        host("e2fsck", "-fn", disk.toString());
    }

    @Test
    void volumeInUse_isNeitherRemovedNorGivenToASecondGuest() throws Exception {
        assertEquals(0, jcap.run("run", "-d", "--name", "holder", "--volume", "held:/data", "counter", "/counter",
                "wait").exitCode());
        Poll.until("holder counts", BOOT, () -> {
            JcapProcess.Result logs = jcap.run("logs", "holder");
            return logs.out().contains("count 1") ? Optional.of(true) : Optional.empty();
        });

        JcapProcess.Result remove = jcap.run("volume", "rm", "held");
        JcapProcess.Result second = jcap.run("run", "--volume", "held:/data", "counter");
        JcapProcess.Result list = jcap.run("volume", "ls");

        assertEquals(2, remove.exitCode(), remove.toString());
        assertTrue(remove.err().contains("volume held is in use by instance holder: stop it first (jcap stop holder)"),
                remove.toString());
        assertEquals(2, second.exitCode(), second.toString());
        assertTrue(second.err().contains("volume held is in use by instance holder: stop it first"), second.toString());
        assertTrue(list.out().matches("(?s).*\nheld +1\\.0 GiB +holder +.*"), list.toString());

        assertEquals(0, jcap.run("stop", "holder").exitCode());
        assertEquals(0, jcap.run("volume", "rm", "held").exitCode());
    }

    /**
     * A volume whose guest was stopped outright (QEMU killed) has its journal to replay, which a
     * read-only disk cannot take: the read-only run mounts it without the replay and says so; the
     * next read-write run replays it and finds the synced count.
     */
    @Test
    void uncleanVolume_readOnly_isMountedWithoutItsJournal_andAReadWriteRunRecoversIt() throws Exception {
        assertEquals(0, jcap.run("run", "-d", "--name", "dirty", "--volume", "dirty:/data", "counter", "/counter",
                "wait").exitCode());
        Poll.until("dirty counts", BOOT, () -> jcap.run("logs", "dirty").out().contains("count 1") ? Optional.of(true)
                : Optional.empty());
        ProcessHandle qemu = ProcessHandle.of(pid("dirty")).orElseThrow();
        qemu.destroyForcibly();
        qemu.onExit().get(30, TimeUnit.SECONDS);

        JcapProcess.Result readOnly = jcap.run("run", "--volume", "dirty:/data:ro", "counter");
        JcapProcess.Result readWrite = jcap.run("run", "--volume", "dirty:/data", "counter");

        assertEquals(0, readOnly.exitCode(), readOnly.toString());
        // The init's line is on the console (stdout), before the application's; what the disk's blocks
        // hold without the journal is the new volume's first state here, or later.
        assertTrue(readOnly.out().startsWith("jcap-init: volume /data was not unmounted cleanly (its guest was stopped"
                + " outright): mounted read-only without replaying its journal"), readOnly.toString());
        assertTrue(readOnly.out().endsWith(" read-only\n"), readOnly.toString());
        assertEquals("mode 777\nseed defaults\ncount 2\n", readWrite.out(), readWrite.toString());
        assertEquals(0, jcap.run("rm", "dirty").exitCode());
        assertEquals(0, jcap.run("volume", "rm", "dirty").exitCode());
    }

    /** The pid of detached instance {@code name}'s QEMU, from {@code jcap ps --json}. */
    private static long pid(String name) throws Exception {
        for (JsonNode instance : new ObjectMapper().readTree(jcap.run("ps", "--json").out())) {
            if (instance.get("name").asText().equals(name)) {
                return instance.get("pid").asLong();
            }
        }
        throw new AssertionError("no instance " + name);
    }

    /**
     * A new volume too small for the image's files in its folder: the run fails saying why, and the
     * volume is left new (the copy is made aside and moved into place only once whole), so the next
     * run copies again rather than starting from half of it.
     */
    @Test
    void copyUpThatDoesNotFit_failsTheRun_andLeavesTheVolumeNew() throws Exception {
        Path disk = temp.resolve("tiny.img");
        host("mke2fs", "-q", "-F", "-t", "ext4", disk.toString(), "4M");

        JcapProcess.Result run = jcap.run("run", "--volume", disk + ":/big", "counter");
        JcapProcess.Result again = jcap.run("run", "--volume", disk + ":/big", "counter");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("volume /big: copy the image's blob: No space left on device"), run.toString());
        assertEquals(run.exitCode(), again.exitCode(), again.toString());
        assertTrue(again.err().contains("volume /big: copy the image's blob: No space left on device"),
                again.toString());
        String root = host("debugfs", "-R", "ls -l /", disk.toString());
        assertFalse(root.contains(" blob"), root);
    }

    /** Refused from the image's file list before anything boots, and before a named volume is made for it. */
    @Test
    void folderTheImageLacks_isRefusedBeforeTheBoot() throws Exception {
        JcapProcess.Result run = jcap.run("run", "--volume", "elsewhere:/srv/data", "counter");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--volume elsewhere:/srv/data: image 'counter' has no folder /srv/data to mount"
                + " it on"), run.toString());
        assertFalse(jcap.run("volume", "ls").out().contains("elsewhere"));
    }

    /** What the host's file list leaves to the guest (a path through a link) the guest's init refuses. */
    @Test
    void linkNamedAsTheFolder_isRefusedByTheGuest() throws Exception {
        JcapProcess.Result run = jcap.run("run", "--volume", "linkvol:/linked", "counter");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("volume /linked: the image has no folder there to mount the volume on"),
                run.toString());
        assertEquals(0, jcap.run("volume", "rm", "linkvol").exitCode());
    }

    /** Runs a host tool; its standard output, or the test fails with everything it printed. */
    private static String host(String... command) throws Exception {
        Path out = Files.createTempFile(temp, "host", ".out");
        Path err = Files.createTempFile(temp, "host", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int code = p.waitFor();
        String stdout = Files.readString(out);
        assertEquals(0, code, String.join(" ", command) + ": " + stdout + Files.readString(err));
        return stdout;
    }
}
