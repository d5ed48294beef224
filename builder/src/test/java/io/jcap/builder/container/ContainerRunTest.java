package io.jcap.builder.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.compose.GuestConfig;
import io.jcap.builder.compose.GuestUser;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ContainerRunTest {
    private static final List<ImageEntry> TREE = List.of(
            new ImageEntry.Directory(GuestPath.ROOT, 0755),
            new ImageEntry.Symlink(GuestPath.of("/bin"), "usr/bin"),
            new ImageEntry.Directory(GuestPath.of("/etc"), 0755),
            file("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nredis:x:999:998::/data:/bin/false\n"),
            file("/etc/group", "root:x:0:\nredis:x:998:\nadm:x:4:redis,syslog\nstaff:x:50:\n"),
            new ImageEntry.Directory(GuestPath.of("/usr"), 0755),
            new ImageEntry.Directory(GuestPath.of("/usr/bin"), 0755),
            new ImageEntry.RegularFile(GuestPath.of("/usr/bin/redis-server"), 0755, FileContent.of(new byte[1])));

    @Test
    void of_config_givesCommandAlongPathEnvFolderUserAndPorts() throws Exception {
        ContainerRun run = ContainerRun.of(image(List.of("redis-server"), List.of("--port", "6379"), "redis", "/data"),
                Optional.empty(), Map.of("EXTRA", "1", "MODE", "capstanfile"));

        assertEquals(List.of("/bin/redis-server", "--port", "6379"), run.argv());
        // HOME is the user's home in the image's /etc/passwd, as container runtimes set it.
        assertEquals(new TreeMap<>(Map.of("PATH", "/usr/local/bin:/bin", "MODE", "capstanfile", "EXTRA", "1",
                "HOME", "/data")), run.env());
        assertEquals(GuestPath.of("/data"), run.cwd());
        assertEquals(Optional.of(new GuestUser(999, 998, List.of(998L, 4L))), run.user());
        assertEquals(List.of(PortMapping.of(6379)), run.ports());
        assertEquals("arg /bin/redis-server\narg --port\narg 6379\nenv EXTRA=1\nenv HOME=/data\nenv MODE=capstanfile\n"
                + "env PATH=/usr/local/bin:/bin\ncwd /data\nuser 999 998 998,4\n",
                new String(new GuestConfig(run.argv(), run.env(), run.cwd(), run.user()).toBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void of_stopSignal_isTheNumberTheGuestConfigGives_andABadOneIsRefusedNamingTheImage() throws Exception {
        ContainerRun run = ContainerRun.of(image(List.of("/bin/redis-server"), List.of(), "", "/", Optional.of("SIGINT")),
                Optional.empty(), Map.of());

        assertEquals(OptionalInt.of(2), run.stopSignal());
        assertTrue(new String(new GuestConfig(run.argv(), run.env(), run.cwd(), run.user(), run.stopSignal()).toBytes(),
                StandardCharsets.UTF_8).endsWith("cwd /\nstop_signal 2\n"));
        assertEquals(OptionalInt.empty(), ContainerRun.of(image(List.of("/bin/redis-server"), List.of(), "", "/"),
                Optional.empty(), Map.of()).stopSignal());
        JcapException e = assertThrows(JcapException.class, () -> ContainerRun.of(image(List.of("/bin/redis-server"),
                List.of(), "", "/", Optional.of("SIGNOPE")), Optional.empty(), Map.of()));
        assertEquals("oci:x: its StopSignal 'SIGNOPE' is not a signal: use a name such as SIGTERM, SIGINT or SIGQUIT,"
                + " SIGRTMIN+N, or a number from 1 to 64", e.getMessage());
    }

    @Test
    void of_home_isTheUsersFromPasswd_rootsWithoutUser_andAnEnvHomeWins() throws Exception {
        assertEquals("/root", ContainerRun.of(image(List.of("/bin/redis-server"), List.of(), "", "/"), Optional.empty(),
                Map.of()).env().get("HOME"));
        assertEquals("/data", ContainerRun.of(image(List.of("/bin/redis-server"), List.of(), "999:50", "/"),
                Optional.empty(), Map.of()).env().get("HOME"));
        assertEquals("/mine", ContainerRun.of(image(List.of("/bin/redis-server"), List.of(), "redis", "/"),
                Optional.empty(), Map.of("HOME", "/mine")).env().get("HOME"));
        // A numeric user without a passwd line keeps the guest's default (/).
        assertEquals(null, ContainerRun.of(image(List.of("/bin/redis-server"), List.of(), "4242", "/"),
                Optional.empty(), Map.of()).env().get("HOME"));
    }

    @Test
    void of_relativeProgram_isTakenFromTheWorkingFolder() throws Exception {
        assertEquals("/usr/bin/redis-server", ContainerRun.of(image(List.of("./bin/redis-server"), List.of(), "",
                "/usr"), Optional.empty(), Map.of()).argv().get(0));
        assertEquals("/usr/bin/redis-server", ContainerRun.of(image(List.of("../usr/./bin/redis-server"), List.of(), "",
                "/etc"), Optional.empty(), Map.of()).argv().get(0));
    }

    @Test
    void of_workingDirThatIsAFile_isRefusedAtBuild_notAtEveryBoot() {
        JcapException e = assertThrows(JcapException.class, () -> ContainerRun.of(image(List.of("/bin/redis-server"),
                List.of(), "", "/etc/passwd"), Optional.empty(), Map.of()));

        assertEquals("oci:x: its WorkingDir /etc/passwd is a file in the image, not a folder, so its command cannot start"
                + " there: rebuild the container image with a folder as its WorkingDir", e.getMessage());
    }

    @Test
    void of_volumes_becomeVolumeLinesOfTheGuestConfig_andTheRootIsRefused() throws Exception {
        ContainerRun run = ContainerRun.of(image(List.of("/bin/redis-server"), List.of(), "", "/"), Optional.empty(), Map.of());

        assertEquals(List.of(GuestPath.of("/data"), GuestPath.of("/var/lib/x")), run.volumes());
        assertTrue(new String(new GuestConfig(run.argv(), run.env(), run.cwd(), run.user(), run.stopSignal(),
                run.volumes()).toBytes(), StandardCharsets.UTF_8).endsWith("cwd /\nvolume /data\nvolume /var/lib/x\n"));
        ContainerConfig root = new ContainerConfig(List.of("/bin/redis-server"), List.of(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), List.of("/"));
        assertEquals("oci:x: its Volumes name the root '/': a volume is a folder inside it", assertThrows(
                JcapException.class, () -> ContainerRun.of(new ContainerImage("oci:x", TREE, root), Optional.empty(),
                        Map.of())).getMessage());
    }

    @Test
    void of_userForms_resolvedAsRuntimesDo() throws Exception {
        assertEquals(new GuestUser(1234, 0, List.of(0L)), user("1234"));
        assertEquals(new GuestUser(999, 50, List.of(50L, 4L)), user("redis:staff"));
        assertEquals(new GuestUser(999, 7, List.of(7L, 4L)), user("999:7"));
        assertEquals(Optional.empty(), ContainerRun.of(image(List.of("/bin/redis-server"), List.of(), "root", "/"),
                Optional.empty(), Map.of()).user());
        assertEquals("oci:x: its User 'nobody' names user 'nobody', which is not in the image's /etc/passwd (use a name"
                + " listed there or a numeric uid[:gid])", assertThrows(JcapException.class, () -> user("nobody")).getMessage());
        assertEquals("oci:x: its User 'redis:wheel' names group 'wheel', which is not in the image's /etc/group",
                assertThrows(JcapException.class, () -> user("redis:wheel")).getMessage());
    }

    @Test
    void of_commandMissingOrReplaced() throws Exception {
        assertEquals("oci:x: its command 'valkey' is in none of the folders of PATH /usr/local/bin:/bin",
                assertThrows(JcapException.class, () -> ContainerRun.of(image(List.of("valkey"), List.of(), "", "/"),
                        Optional.empty(), Map.of())).getMessage());
        assertEquals("oci:x has neither Entrypoint nor Cmd: set cmdline in the Capstanfile",
                assertThrows(JcapException.class, () -> ContainerRun.of(image(List.of(), List.of(), "", "/"),
                        Optional.empty(), Map.of())).getMessage());
        assertEquals(List.of("/usr/bin/redis-server", "--help"), ContainerRun.of(image(List.of("valkey"), List.of(), "", "/"),
                Optional.of(List.of("/usr/bin/redis-server", "--help")), Map.of()).argv());
    }

    private static GuestUser user(String user) throws JcapException {
        return ContainerRun.of(image(List.of("/bin/redis-server"), List.of(), user, "/"), Optional.empty(), Map.of())
                .user().orElseThrow();
    }

    private static ContainerImage image(List<String> entrypoint, List<String> cmd, String user, String dir) {
        return image(entrypoint, cmd, user, dir, Optional.empty());
    }

    private static ContainerImage image(List<String> entrypoint, List<String> cmd, String user, String dir,
            Optional<String> stopSignal) {
        ContainerConfig config = new ContainerConfig(entrypoint, cmd, List.of("PATH=/usr/local/bin:/bin", "MODE=image"),
                Optional.of(dir), user.isEmpty() ? Optional.empty() : Optional.of(user), stopSignal, List.of("6379/tcp"),
                List.of(),
                List.of(), List.of("/data", "/var/lib/x/"));
        return new ContainerImage("oci:x", TREE, config);
    }

    private static ImageEntry file(String path, String text) {
        return new ImageEntry.RegularFile(GuestPath.of(path), 0644, FileContent.of(text.getBytes(StandardCharsets.UTF_8)));
    }
}
