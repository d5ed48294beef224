package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.Component;
import io.jcap.testsupport.OciImages;
import io.jcap.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container images made here from folders with umoci and skopeo (never downloaded), built with
 * {@code jcap build --from} and booted: one guest checks layers (a whiteout, an opaque folder, a
 * hard link: one inode in the guest), Entrypoint, Env, WorkingDir, a non-root User, a Volume
 * written on the read-only root and the container basics; a second runs Debian's
 * redis-server from a docker-archive, answers redis-cli through -p and is stopped by its StopSignal.
 */
class ContainerImageIT {
    @TempDir
    Path temp;

    @Test
    void busyboxImage_runsItsEntrypointAsItsUserWithItsEnvAndFolder() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Requirements.require(Component.CONTAINER_TOOLS);
        Requirements.requireProgram("busybox", "busybox-static");
        Path base = temp.resolve("base");
        Path busybox = Files.createDirectories(base.resolve("bin")).resolve("busybox");
        Files.copy(Path.of("/usr/bin/busybox"), busybox);
        for (String applet : List.of("sh", "id", "ls", "grep", "hostname")) {
            Files.createSymbolicLink(base.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        // As in Docker's busybox image: applets as hard links, which the layer's tar records as links.
        Files.createLink(base.resolve("bin/stat"), busybox);
        OciImages.write(base.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        OciImages.write(base.resolve("etc/group"), "root:x:0:\napp:x:1000:\nstaff:x:50:app\n");
        OciImages.write(base.resolve("etc/gone"), "deleted by the second layer\n");
        OciImages.write(base.resolve("var/cache/old"), "hidden by the second layer's opaque folder\n");
        Files.createDirectories(base.resolve("srv"));
        // The volume's folder: its mode becomes the tmpfs's, so the non-root app may write there.
        Files.setPosixFilePermissions(Files.createDirectories(base.resolve("data")),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        // A volume under /tmp, whose folder the init's own /tmp tmpfs hides: made again there.
        Files.setPosixFilePermissions(Files.createDirectories(base.resolve("tmp/cache/app")),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(base.resolve("tmp/cache"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x--x"));
        OciImages.write(base.resolve("app/start.sh"), "#!/bin/sh\n"
                + "echo \"greeting=$GREETING cwd=$(pwd) uid=$(id -u) gid=$(id -g) groups=$(id -G)\"\n"
                + "[ -e /etc/gone ] && echo gone-present || echo gone-absent\n"
                + "ls /var/cache\n"
                + "grep -q ' /dev/shm tmpfs' /proc/mounts && grep -q ' /dev/pts devpts' /proc/mounts && echo basics-mounted\n"
                + "echo \"host=$(hostname)\"\n"
                + "[ \"$(stat -c %i /bin/stat)\" = \"$(stat -c %i /bin/busybox)\" ] && echo \"hard-link nlink=$(stat -c %h"
                + " /bin/stat)\"\n"
                + "echo kept > /data/file && echo \"volume $(cat /data/file) $(stat -c %a /data)\"\n"
                + "grep -q ' /data tmpfs rw' /proc/mounts && grep -q ' / ext4 ro' /proc/mounts && echo data-tmpfs-on-ro-root\n"
                + "echo t > /tmp/cache/app/f && echo \"tmp-volume $(cat /tmp/cache/app/f) $(stat -c %a /tmp/cache/app) $(stat -c %a /tmp/cache)\"\n");
        Files.setPosixFilePermissions(base.resolve("app/start.sh"), java.nio.file.attribute.PosixFilePermissions
                .fromString("rwxr-xr-x"));
        Path top = temp.resolve("top");
        OciImages.write(top.resolve("etc/.wh.gone"), "");
        OciImages.write(top.resolve("var/cache/.wh..wh..opq"), "");
        OciImages.write(top.resolve("var/cache/new"), "from layer 2\n");
        OciImages.layout(temp.resolve("layout"), "1", List.of(base, top), "--config.entrypoint", "/app/start.sh",
                "--config.env", "GREETING=hello", "--config.workingdir", "/srv", "--config.user", "app",
                "--config.volume", "/data", "--config.volume", "/tmp/cache/app");

        JcapProcess.Result build = jcap.run("build", "--from", "oci:" + temp.resolve("layout") + ":1", "--name", "boxed",
                temp.toString());
        assertEquals(0, build.exitCode(), build.toString());
        JcapProcess.Result run = jcap.run("run", "boxed");

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("greeting=hello cwd=/srv uid=1000 gid=1000 groups=1000 50\ngone-absent\nnew\nbasics-mounted\n"
                + "host=jcap\nhard-link nlink=2\nvolume kept 777\ndata-tmpfs-on-ro-root\ntmp-volume t 777 751\n", run.out(),
                run.toString());
    }

    @Test
    void redisFromADockerArchive_answersRedisCliThroughP_andStopsOnItsStopSignal() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Requirements.require(Component.CONTAINER_TOOLS);
        Requirements.requireProgram("redis-server", "redis-server");
        Requirements.requireProgram("redis-cli", "redis-tools");
        jcap.requireDetachedRun();
        Path root = temp.resolve("redis");
        copyWithLibraries(Path.of("/usr/bin/redis-server"), root);
        OciImages.layout(temp.resolve("layout"), "7", List.of(root), "--config.entrypoint", "redis-server",
                "--config.cmd", "--bind", "--config.cmd", "0.0.0.0", "--config.cmd", "--protected-mode",
                "--config.cmd", "no", "--config.workingdir", "/tmp", "--config.exposedports", "6379/tcp",
                "--config.stopsignal", "SIGINT");
        OciImages.copy(temp.resolve("layout"), "7", "docker-archive:" + temp.resolve("redis.tar"));

        JcapProcess.Result build = jcap.run("build", "--from", "docker-archive:" + temp.resolve("redis.tar"), "--name",
                "redis-oci", temp.toString());
        assertEquals(0, build.exitCode(), build.toString());
        int port = JcapProcess.freePort();
        JcapProcess.Result started = jcap.run("run", "-d", "-p", port + ":6379", "--name", "redis-oci-it", "redis-oci");
        assertEquals(0, started.exitCode(), started.toString());
        JcapProcess.Result stop;
        JcapProcess.Result logs;
        JcapProcess.Result rm;
        try {
            assertEquals("PONG\n", Poll.until("redis PING on port " + port, Duration.ofSeconds(180),
                    () -> Optional.of(RedisIT.redisCli(port, "PING")).filter(reply -> reply.equals("PONG\n"))));
            assertEquals("OK\n", RedisIT.redisCli(port, "SET", "origin", "a container image"));
            assertEquals("a container image\n", RedisIT.redisCli(port, "GET", "origin"));
        } finally {
            stop = jcap.run("stop", "redis-oci-it");
            logs = jcap.run("logs", "redis-oci-it");
            rm = jcap.run("rm", "redis-oci-it");
        }
        assertEquals(0, stop.exitCode(), stop.toString());
        // The image's StopSignal, not SIGTERM, is what jcap stop had the init send.
        assertTrue(logs.out().contains("jcap-init: power button: stopping (SIGINT) the application\n"), logs.toString());
        assertTrue(logs.out().contains("Received SIGINT scheduling shutdown"), logs.toString());
        assertEquals(0, rm.exitCode(), rm.toString());
    }

    /** The program and every library ldd names, at the same paths under {@code root} (links resolved). */
    private static void copyWithLibraries(Path program, Path root) throws Exception {
        List<Path> files = new ArrayList<>(List.of(program));
        for (String line : OciImages.run("ldd", program.toString()).split("\n")) {
            String[] words = line.trim().split("\\s+");
            for (String w : words) {
                if (w.startsWith("/")) {
                    files.add(Path.of(w));
                }
            }
        }
        for (Path f : files) {
            Path target = root.resolve(f.toString().substring(1));
            Files.createDirectories(target.getParent());
            Files.copy(f.toRealPath(), target, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS), target.toString());
        }
    }
}
