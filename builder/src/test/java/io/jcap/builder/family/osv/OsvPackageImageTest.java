package io.jcap.builder.family.osv;

import static io.jcap.builder.CapstanPackageSamples.HELLO_CMDLINE;
import static io.jcap.builder.CapstanPackageSamples.SHOUT_CMDLINE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.CapstanPackageSamples;
import io.jcap.builder.ImageBuilder;
import io.jcap.builder.OsvSamples;
import io.jcap.builder.TestMachine;
import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.BuildResult;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageMetadataJson;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.capstanfile.CapstanfileException;
import io.jcap.formats.DiskFormat;
import io.jcap.formats.rofs.RofsEntry;
import io.jcap.formats.rofs.RofsReader;
import io.jcap.hypervisor.qemu.QemuImg;
import io.jcap.kernels.osv.OsvDisk;
import io.jcap.model.FsType;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import io.jcap.testsupport.RecordedEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Capstan package (meta/package.yaml, meta/run.yaml, no Capstanfile) built into an OSv ROFS
 * image over the synthetic loader: the folder's files less what Capstan leaves out, the default
 * configuration's command line at byte 512, every configuration in the image's metadata.
 */
class OsvPackageImageTest {
    @TempDir
    Path temp;
    private JcapHome home;
    private Path project;
    private final RecordedEvents events = new RecordedEvents();

    @BeforeEach
    void setUp() throws Exception {
        TestMachine.qemu();
        home = OsvSamples.homeWithLoader(temp.resolve("home"), "osv");
        project = CapstanPackageSamples.write(temp.resolve("hello-pkg"));
    }

    private BuildResult build(BuildRequest request) throws Exception {
        return new ImageBuilder(home, events).build(request);
    }

    private Path raw(ImageRepository.StoredImage image) throws Exception {
        Path raw = temp.resolve(image.metadata().name() + System.nanoTime() + ".raw");
        new QemuImg(TestMachine.qemu().qemuImg()).convert(image.file(), DiskFormat.QCOW2, raw, DiskFormat.RAW, false);
        return raw;
    }

    @Test
    void build_package_writesTheFolderAndTheDefaultCommandLine_andKeepsEveryConfiguration() throws Exception {
        BuildResult result = build(BuildRequest.of(project));

        ImageMetadata m = result.image().metadata();
        assertEquals("hello-pkg", m.name());
        assertEquals("osv", m.kernel());
        assertEquals("rofs", m.fs());
        assertEquals(HELLO_CMDLINE, m.cmdline());
        assertEquals(Map.of("hello", HELLO_CMDLINE, "shout", SHOUT_CMDLINE), m.configSets());
        assertEquals("hello", m.defaultConfigSet());
        assertEquals(m, ImageMetadataJson.read(result.image().file().resolveSibling("image.json")));
        assertEquals(List.of("INFO Package com.example.hello requires osv.bootstrap, Capstan's base package of OSv's"
                + " own files: the OSv loader 'osv' the image starts from provides them; add to the package folder any"
                + " other file of OSv's base image the application needs"), infoLines());

        Path raw = raw(result.image());
        assertEquals(HELLO_CMDLINE, OsvDisk.readCmdline(raw));
        try (RofsReader rofs = RofsReader.openDisk(raw)) {
            assertEquals(List.of("/", "/etc", "/etc/greeting.txt", "/hello", "/lib"),
                    rofs.list().stream().map(RofsEntry::path).map(GuestPath::value).toList());
            assertArrayEquals("#!/bin/hello\n".getBytes(StandardCharsets.UTF_8), rofs.readFile(GuestPath.of("/hello")));
            assertEquals(0755, rofs.entry(GuestPath.of("/hello")).orElseThrow().mode());
        }
    }

    /**
     * {@code --fs zfs} ({@code capstan package compose --fs}): the package goes through OSv's ZFS
     * builder, which this home lacks, so the build stops there, naming it; nothing is stored.
     */
    @Test
    void build_withFsZfs_takesTheZfsBuilderRoute() {
        JcapException e = assertThrows(JcapException.class,
                () -> build(BuildRequest.of(project).withFs(Optional.of(FsType.ZFS))));

        assertTrue(e.getMessage().startsWith("fs zfs needs OSv's ZFS builder kernel 'osv-zfs-builder', which is not in "),
                e.getMessage());
        assertFalse(Files.exists(home.images().resolve("hello-pkg")));
    }

    /** On a Capstanfile project {@code --fs} is refused: its Capstanfile says {@code fs:}. */
    @Test
    void build_withFsOfACapstanfileProject_isAUsageErrorSayingWhereFsGoes() throws Exception {
        Files.writeString(project.resolve("Capstanfile"), "kernel: osv\ncmdline: /hello\n");

        JcapException e = assertThrows(JcapException.class,
                () -> build(BuildRequest.of(project).withFs(Optional.of(FsType.ZFS))));

        assertEquals("--fs zfs sets the file system of a Capstan package's image (meta/, no Capstanfile), and "
                + project + " is built from its Capstanfile: set fs: zfs there", e.getMessage());
        assertEquals(io.jcap.model.ExitCode.USAGE, e.exitCode());
        Files.delete(project.resolve("Capstanfile"));
        JcapException container = assertThrows(JcapException.class, () -> build(BuildRequest.of(project)
                .withFs(Optional.of(FsType.ZFS)).withFrom(Optional.of("oci:" + temp.resolve("layout")))));
        assertEquals("--fs zfs sets the file system of a Capstan package's image (meta/, no Capstanfile), and --from"
                + " builds a Linux image from a container image", container.getMessage());
    }

    @Test
    void build_withConfigSet_bootsThatConfigurationByDefault() throws Exception {
        BuildResult result = build(BuildRequest.of(project).withConfigSet(Optional.of("shout")));

        assertEquals(SHOUT_CMDLINE, result.image().metadata().cmdline());
        assertEquals("shout", result.image().metadata().defaultConfigSet());
        assertEquals(SHOUT_CMDLINE, OsvDisk.readCmdline(raw(result.image())));
    }

    /**
     * Capstan's {@code config_set_default: a,b}: the configurations run in turn, each variable at
     * its first value; a run picks its own sequence from the stored configurations.
     */
    @Test
    void build_severalConfigurationsAsTheDefault_runInTurn_andARunMayPickAnotherSequence() throws Exception {
        Files.writeString(project.resolve("meta/run.yaml"), CapstanPackageSamples.RUN_YAML.replace(
                "config_set_default: hello\n", "config_set_default: shout,hello\n"));

        BuildResult built = build(BuildRequest.of(project));
        ImageMetadata m = built.image().metadata();

        String inTurn = "--rootfs=rofs --env=GREETING=HELLO --env=LOUD=1 /hello --shout; /hello";
        assertEquals(inTurn, m.cmdline());
        assertEquals("shout,hello", m.defaultConfigSet());
        assertEquals(Map.of("hello", HELLO_CMDLINE, "shout", SHOUT_CMDLINE), m.configSets());
        assertEquals(inTurn, OsvDisk.readCmdline(raw(built.image())));
        assertEquals("--rootfs=rofs --env=GREETING=hi --env=LOUD=1 /hello; /hello --shout",
                m.cmdline(Optional.of("hello,shout")));
        JcapException e = assertThrows(JcapException.class, () -> m.cmdline(Optional.of("hello,whisper")));
        assertEquals("image 'hello-pkg' has no configuration 'whisper': use hello, shout (the default is shout,hello)",
                e.getMessage());
    }

    @Test
    void build_severalConfigurationsWithoutDefault_needsConfigSet() throws Exception {
        Files.writeString(project.resolve("meta/run.yaml"), CapstanPackageSamples.RUN_YAML.replace(
                "config_set_default: hello\n", ""));

        CapstanfileException e = assertThrows(CapstanfileException.class, () -> build(BuildRequest.of(project)));
        assertEquals("meta/run.yaml:2:1: config_set has 2 configurations (hello, shout) and no config_set_default: say"
                + " which one the image boots (config_set_default: hello), or build with --config-set NAME",
                e.getMessage());

        BuildResult result = build(BuildRequest.of(project).withConfigSet(Optional.of("shout")));
        assertEquals(SHOUT_CMDLINE, result.image().metadata().cmdline());
    }

    @Test
    void build_again_reusesTheImageUntilAnotherConfigurationChanges() throws Exception {
        build(BuildRequest.of(project));
        assertTrue(build(BuildRequest.of(project)).reused());

        Files.writeString(project.resolve("meta/run.yaml"), CapstanPackageSamples.RUN_YAML.replace("--shout", "--loud"));
        BuildResult rebuilt = build(BuildRequest.of(project));

        assertFalse(rebuilt.reused());
        assertEquals("--rootfs=rofs --env=GREETING=HELLO --env=LOUD=1 /hello --loud",
                rebuilt.image().metadata().configSets().get("shout"));
        assertEquals(HELLO_CMDLINE, rebuilt.image().metadata().cmdline());
    }

    @Test
    void build_configurationOsvCannotCarry_namesTheConfigurationAndVariable() throws Exception {
        Files.writeString(project.resolve("meta/run.yaml"), CapstanPackageSamples.RUN_YAML.replace("LOUD: 1",
                "LOUD: \"very loud\""));

        JcapException e = assertThrows(JcapException.class, () -> build(BuildRequest.of(project)));

        // At its line, before anything is built: the check jcap validate makes.
        assertEquals("meta/run.yaml:11:13: config_set.shout.env.LOUD: OSv reads environment variables"
                + " from its command line (--env=LOUD=...), which cannot carry spaces, quotes, backslashes, ';' or '&':"
                + " use a value without them", e.getMessage());
    }

    @Test
    void build_unknownConfigSet_isAProblemOfRunYaml() {
        CapstanfileException e = assertThrows(CapstanfileException.class,
                () -> build(BuildRequest.of(project).withConfigSet(Optional.of("whisper"))));

        assertEquals("meta/run.yaml:2:1: config_set has no configuration 'whisper' to boot by default: use hello or"
                + " shout", e.getMessage());
    }

    @Test
    void build_capstanfileBesideMeta_winsWithAWarning_andTakesNoConfigSet() throws Exception {
        Files.writeString(project.resolve("Capstanfile"), "kernel: osv\ncmdline: /hello\nfiles:\n  /hello: hello\n");

        BuildResult result = build(BuildRequest.of(project));

        assertEquals("--rootfs=rofs /hello", result.image().metadata().cmdline());
        assertEquals(Map.of(), result.image().metadata().configSets());
        assertTrue(events.lines().contains("WARN meta/ in " + project + " is ignored: the project's Capstanfile says"
                + " how the image is built (remove the Capstanfile to build the folder as a Capstan package)"),
                events.lines().toString());
        JcapException e = assertThrows(JcapException.class,
                () -> build(BuildRequest.of(project).withConfigSet(Optional.of("shout"))));
        assertEquals("--config-set shout picks a named configuration of a Capstan package (meta/run.yaml), and "
                + project + " is built from its Capstanfile, which has none", e.getMessage());
    }

    private List<String> infoLines() {
        return events.lines().stream().filter(l -> l.startsWith("INFO Package")).toList();
    }
}
