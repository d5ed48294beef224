package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.examples.MetadataStandIn.Cloud;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requirements;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloud-init data reaching a real guest from every source the init reads: jcap's own NoCloud seed
 * ({@code jcap run --user-data}), seeds made by {@code cloud-localds} (iso9660 and vfat), an
 * OpenStack config drive made by {@code genisoimage}, and each cloud's metadata service stood in
 * for on the host. Each time the application sees the hostname, the environment, the command
 * line and the files the data asked for.
 */
class CloudInitIT {
    /** A kernel message's start: its time since boot in brackets. */
    private static final Pattern KERNEL_MESSAGE = Pattern.compile("\\[ *\\d+\\.\\d{6}\\] .*$");

    @TempDir
    static Path temp;

    static JcapProcess jcap;

    @BeforeAll
    static void buildProbe() throws Exception {
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        JcapProcess.Result build = jcap.run("build", CloudGuest.probeProject(temp).toString());
        assertEquals(0, build.exitCode(), build.toString());
    }

    /** The #cloud-config every source carries: all the keys the init honours, and two it ignores. */
    static String cloudConfig(String hostname) throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write("gzipped hello\n".getBytes(StandardCharsets.UTF_8));
        }
        return "#cloud-config\n"
                + "hostname: " + hostname + "\n"
                + "write_files:\n"
                + "  - path: /tmp/plain.txt\n"
                + "    content: |\n"
                + "      plain line 1\n"
                + "    permissions: '0600'\n"
                + "  - path: /tmp/b64.txt\n"
                + "    encoding: b64\n"
                + "    content: " + Base64.getEncoder().encodeToString("b64 hello\n".getBytes(StandardCharsets.UTF_8))
                + "\n"
                + "  - path: /tmp/gz.txt\n"
                + "    encoding: gz+b64\n"
                + "    content: " + Base64.getEncoder().encodeToString(gz.toByteArray()) + "\n"
                + "    owner: root:root\n"
                + "  - path: /tmp/plain.txt\n"
                + "    content: \"appended\\n\"\n"
                + "    append: true\n"
                // A uid past 32 bits: refused, not wrapped to another user's ID.
                + "  - path: /tmp/wrapped.txt\n"
                + "    content: x\n"
                + "    owner: '99999999999'\n"
                // A folder the read-only root cannot hold: said as such, not as "No such file".
                + "  - path: /nowhere/x.txt\n"
                + "    content: x\n"
                + "jcap:\n"
                + "  env:\n"
                + "    GREETING: hello from cloud-init\n"
                + "  cmdline: /app/probe --name 'cloud user'\n"
                + "ssh_authorized_keys:\n"
                + "  - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB test@example\n"
                + "runcmd:\n"
                + "  - [ls, -l, /]\n";
    }

    /** What the probe prints when the cloud-config above was applied with this hostname. */
    static void assertApplied(String console, String hostname) {
        for (String line : List.of("probe hostname=" + hostname, "probe GREETING=hello from cloud-init",
                "probe arg0=/app/probe", "probe arg1=--name", "probe arg2=cloud user",
                "probe /tmp/plain.txt: plain line 1", "probe /tmp/plain.txt: appended", "probe /tmp/b64.txt: b64 hello",
                "probe /tmp/gz.txt: gzipped hello",
                "jcap-init: cloud-init ignored: ssh_authorized_keys, runcmd (a single-application VM has no shell,"
                        + " sshd or package manager)",
                "jcap-init: cloud-init: write_files /tmp/wrapped.txt: owner \"99999999999\" is not root or a numeric"
                        + " uid:gid below 4294967295 (the init has no user database)",
                "jcap-init: cloud-init: write_files /nowhere/x.txt: cannot make folder /nowhere: Read-only file system"
                        + " (the image's root is read-only: write under /tmp)")) {
            assertTrue(console.lines().anyMatch(l -> withoutKernelMessage(l).equals(line)), "no line \"" + line
                    + "\" in:\n" + console);
        }
    }

    /**
     * {@code l} without a kernel message printed into it: with {@code -v} the kernel logs at every
     * level, straight to the serial port, and a message can land between the init's line and its
     * newline (seen once: {@code ...user database)[    2.189327] tsc: Refined TSC ...}).
     */
    static String withoutKernelMessage(String l) {
        return KERNEL_MESSAGE.matcher(l).replaceFirst("").strip();
    }

    static void assertSource(String console, String source) {
        assertTrue(console.contains("jcap-init: cloud-init data from " + source + " in "), source + ":\n" + console);
    }

    /**
     * Data the init cannot apply is said without -v (it used to show with -v only), and what came
     * from the data is shown in printable ASCII: a host name with an escape sequence is not set,
     * and never reaches the terminal raw.
     */
    @Test
    void run_userDataItCannotApply_isReportedWithoutVerbose_inPrintableText() throws Exception {
        Path userData = Files.writeString(temp.resolve("user-data-bad"), "#cloud-config\n"
                + "hostname: \"bad\\x1b[31mhost\"\n"
                + "runcmd:\n  - [ls]\n");

        JcapProcess.Result run = jcap.run("run", "--user-data", userData.toString(), "probe");

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("jcap-init: cloud-init ignored: runcmd (a single-application VM has no shell,"
                + " sshd or package manager)\njcap-init: cloud-init: hostname \"bad?[31mhost\" not set: not a host name"
                + " (labels of letters, digits and '-' between dots)\n"), run.toString());
        assertTrue(run.out().lines().noneMatch(l -> l.startsWith("probe hostname=bad")), run.toString());
        assertTrue(run.out().chars().noneMatch(c -> c == 0x1b), run.toString());
    }

    @Test
    void run_userData_theApplicationSeesWhatItAskedFor() throws Exception {
        Path userData = Files.writeString(temp.resolve("user-data"), cloudConfig("web1"));
        Path metaData = Files.writeString(temp.resolve("meta-data"), "instance-id: i-42\nlocal-hostname: meta\n");

        JcapProcess.Result run = jcap.run("run", "-v", "--user-data", userData.toString(), "--meta-data",
                metaData.toString(), "probe");

        assertEquals(0, run.exitCode(), run.toString());
        String console = run.out() + run.err();
        assertSource(console, "NoCloud /dev/vdb (iso9660)");
        assertTrue(console.contains("hostname web1, instance-id i-42, 6 files, 1 env, cmdline replaced"), console);
        assertApplied(console, "web1");
    }

    @Test
    void runDetached_userData_isAppliedAndItsSeedGoesWithTheInstance() throws Exception {
        jcap.requireDetachedRun();
        Path userData = Files.writeString(temp.resolve("user-data-detached"), cloudConfig("detached1"));

        JcapProcess.Result start = jcap.run("run", "-d", "--user-data", userData.toString(), "--name", "ci-1", "probe");
        assertEquals(0, start.exitCode(), start.toString());
        assertTrue(Files.isRegularFile(jcap.home.resolve("instances/ci-1/seed.iso")), "the seed lives in the instance");
        String logs = "";
        for (long end = System.nanoTime() + 180_000_000_000L; System.nanoTime() < end; Thread.sleep(1000)) {
            logs = jcap.run("logs", "ci-1").out();
            if (logs.contains("probe /tmp/gz.txt: gzipped hello")) {
                break;
            }
        }
        for (String line : List.of("probe hostname=detached1", "probe GREETING=hello from cloud-init",
                "probe arg2=cloud user", "probe /tmp/plain.txt: appended", "probe /tmp/gz.txt: gzipped hello")) {
            assertTrue(logs.lines().anyMatch(l -> l.strip().equals(line)), "no line \"" + line + "\" in:\n" + logs);
        }
        JcapProcess.Result rm = jcap.run("rm", "-f", "ci-1");
        assertEquals(0, rm.exitCode(), rm.toString());
        assertTrue(Files.notExists(jcap.home.resolve("instances/ci-1")), "jcap rm removes the seed with the instance");
    }

    @Test
    void runThroughLibvirt_userData_isApplied() throws Exception {
        Requirements.require(Component.LIBVIRT);
        Path userData = Files.writeString(temp.resolve("user-data-libvirt"), cloudConfig("libvirt1"));

        JcapProcess.Result run = jcap.run("run", "-v", "--driver", "libvirt", "--user-data", userData.toString(),
                "probe");

        assertEquals(0, run.exitCode(), run.toString());
        String console = run.out() + run.err();
        assertSource(console, "NoCloud /dev/vdb (iso9660)");
        assertApplied(console, "libvirt1");
    }

    @Test
    void run_metaDataWithoutUserData_isAUsageError() throws Exception {
        JcapProcess.Result run = jcap.run("run", "--meta-data", "/dev/null", "probe");

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--meta-data goes with --user-data FILE"), run.toString());
    }

    @Test
    void boot_cloudLocaldsIsoSeed_isApplied() throws Exception {
        assertApplied(bootWithSeed("seed-iso", List.of()), "web1");
    }

    @Test
    void boot_cloudLocaldsVfatSeed_isApplied() throws Exception {
        String console = bootWithSeed("seed-vfat", List.of("-f", "vfat"));
        assertSource(console, "NoCloud /dev/vdb (vfat)");
        assertApplied(console, "web1");
    }

    /** jcap.seed=none, which jcap's direct boots without --user-data pass: no drive is read, a seed is not seen. */
    @Test
    void boot_seedNone_readsNoDrive() throws Exception {
        String console = bootWithSeed("seed-none", List.of(), " jcap.seed=none");

        assertTrue(console.contains("cloud-init: no data source (") && console.contains("jcap.seed=none: no drive read"),
                console);
        assertTrue(console.contains("probe hostname=jcap"), console);
        assertFalse(console.contains("web1") || console.contains("cloud-init data from"), console);
    }

    private static String bootWithSeed(String name, List<String> format) throws Exception {
        return bootWithSeed(name, format, "");
    }

    private static String bootWithSeed(String name, List<String> format, String moreParameters) throws Exception {
        Requirements.require(Component.SEED_TOOLS);
        Path dir = Files.createDirectories(temp.resolve(name));
        Files.writeString(dir.resolve("user-data"), cloudConfig("web1"));
        Files.writeString(dir.resolve("meta-data"), "instance-id: i-7\n");
        List<String> command = new java.util.ArrayList<>(List.of("cloud-localds"));
        command.addAll(format);
        command.addAll(List.of("seed.img", "user-data", "meta-data"));
        CloudGuest.tool(dir, command.toArray(String[]::new));
        return CloudGuest.boot(jcap.home, "probe", dir, List.of("-drive", "file=" + dir.resolve("seed.img")
                + ",if=virtio,format=raw,readonly=on", "-nic", "none"), moreParameters);
    }

    @Test
    void boot_openStackConfigDriveMadeByGenisoimage_isApplied() throws Exception {
        Requirements.require(Component.SEED_TOOLS);
        Path dir = Files.createDirectories(temp.resolve("config-2"));
        Path latest = Files.createDirectories(dir.resolve("tree/openstack/latest"));
        Files.writeString(latest.resolve("meta_data.json"), "{\"uuid\": \"d8e02d56-2648-49a3-bf97-6be8f1204f38\","
                + " \"hostname\": \"os-meta\", \"name\": \"vm\", \"launch_index\": 0}");
        Files.writeString(latest.resolve("user_data"), cloudConfig("os-user"));
        CloudGuest.tool(dir, "genisoimage", "-quiet", "-o", "config-2.iso", "-V", "config-2", "-J", "-r", "tree");

        String console = CloudGuest.boot(jcap.home, "probe", dir, List.of("-drive", "file=" + dir.resolve("config-2.iso")
                + ",if=virtio,format=raw,readonly=on", "-nic", "none"));

        assertSource(console, "OpenStack config drive /dev/vdb (iso9660)");
        assertTrue(console.contains("instance-id d8e02d56-2648-49a3-bf97-6be8f1204f38"), console);
        assertApplied(console, "os-user");
    }

    @Test
    void boot_ec2Imds_isAskedForATokenFirstAndApplied() throws Exception {
        List<String> requests = bootWithService(Cloud.EC2, "ip-10-0-0-5.ec2.internal", "ip-10-0-0-5",
                "EC2 IMDS at http://169.254.169.254");
        assertEquals(List.of("PUT /latest/api/token 200", "GET /latest/meta-data/instance-id 200",
                "GET /latest/meta-data/local-hostname 200", "GET /latest/user-data 200"),
                requests.subList(requests.size() - 4, requests.size()));
    }

    @Test
    void boot_gceMetadataServer_isApplied() throws Exception {
        bootWithService(Cloud.GCE, "vm-1.c.project.internal", "vm-1", "GCE metadata server at http://169.254.169.254");
    }

    @Test
    void boot_openStackMetadataService_isApplied() throws Exception {
        bootWithService(Cloud.OPENSTACK, "os-vm", "os-vm", "OpenStack metadata service at http://169.254.169.254");
    }

    @Test
    void boot_azureImds_isApplied() throws Exception {
        List<String> requests = bootWithService(Cloud.AZURE, "az-vm", "az-vm", "Azure IMDS at http://169.254.169.254");
        assertEquals(List.of("GET /metadata/instance?api-version=2021-02-01 200",
                "GET /metadata/instance/compute/userData?api-version=2021-01-01&format=text 200"), requests);
    }

    /** Boots with the stand-in of {@code cloud} whose user-data sets no hostname; the requests it got. */
    private static List<String> bootWithService(Cloud cloud, String metaHostname, String shortName, String source)
            throws Exception {
        Requirements.requireProgram("socat", "socat");
        String userData = cloudConfig("x").replace("hostname: x\n", "");
        try (MetadataStandIn service = new MetadataStandIn(cloud, metaHostname, userData)) {
            String console = CloudGuest.boot(jcap.home, "probe", Files.createDirectories(temp.resolve(cloud.name())),
                    service.qemuNetwork());
            assertSource(console, source);
            assertApplied(console, shortName);
            return List.copyOf(service.requests);
        }
    }
}
