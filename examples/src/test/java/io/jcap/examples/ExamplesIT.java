package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds and runs the examples with the real bin/jcap, builder VM and QEMU. */
class ExamplesIT {
    @TempDir
    static Path temp;
    static JcapProcess jcap;

    @BeforeAll
    static void buildBoth() throws Exception {
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        JcapProcess.Result hello = jcap.run("build", "examples/hello");
        assertEquals(0, hello.exitCode(), hello.toString());
        assertTrue(hello.out().startsWith("Built image hello: "), hello.toString());
        JcapProcess.Result exit = jcap.run("build", "examples/exit-code");
        assertEquals(0, exit.exitCode(), exit.toString());
    }

    @Test
    void run_hello_printsGreetingAndExitsZero() throws Exception {
        JcapProcess.Result run = jcap.run("run", "hello");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("Hello from jcap, world!\n", run.out(), run.toString());
    }

    @Test
    void run_exitCode_returnsTheApplicationsStatus() throws Exception {
        JcapProcess.Result run = jcap.run("run", "exit-code");
        assertEquals(42, run.exitCode(), run.toString());
        assertEquals("exiting with status 42\n", run.out(), run.toString());
    }

    @Test
    void run_bootsTheImagesKernelDirectlyByDefault() throws Exception {
        JcapProcess.Result run = jcap.run("run", "--accel", "tcg", "hello");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Booting hello (tcg, direct boot)\n"), run.toString());
    }

    @Test
    void run_diskBoot_bootsThroughTheFirmwareAndTheDisksBootLoader() throws Exception {
        JcapProcess.Result hello = jcap.run("run", "--accel", "tcg", "--boot", "disk", "hello");
        JcapProcess.Result exit = jcap.run("run", "--accel", "tcg", "--boot", "disk", "exit-code");

        assertEquals(0, hello.exitCode(), hello.toString());
        assertEquals("Hello from jcap, world!\n", hello.out(), hello.toString());
        assertTrue(hello.err().contains("Booting hello (tcg, disk boot)\n"), hello.toString());
        assertEquals(42, exit.exitCode(), exit.toString());
        assertEquals("exiting with status 42\n", exit.out(), exit.toString());
    }

    @Test
    void images_json_listsBothWithPathsAndSizes() throws Exception {
        JcapProcess.Result images = jcap.run("images", "--json");
        assertEquals(0, images.exitCode(), images.toString());
        java.util.List<JsonNode> examples = new java.util.ArrayList<>();
        for (JsonNode image : new ObjectMapper().readTree(images.out())) {
            if (java.util.Set.of("hello", "exit-code").contains(image.get("name").asText())) {
                examples.add(image);
            }
        }
        assertEquals(2, examples.size(), images.out());
        for (JsonNode image : examples) {
            assertTrue(Files.isRegularFile(Path.of(image.get("path").asText())), image.toString());
            assertTrue(image.get("diskSize").asLong() <= 20L << 20, "image above 20 MiB on disk: " + image);
            assertEquals(JcapProcess.defaultKernel(), image.get("kernel").asText());
        }
    }

    @Test
    void run_leavesTheStoredImageUntouched_andNoTempFiles() throws Exception {
        String before = imageField("hello", "imageSha256");
        JcapProcess.Result run = jcap.run("run", "hello");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(before, io.jcap.model.Sha256.of(Path.of(imageField("hello", "path"))).hex());
        assertTemporaryFolderEmpty();
    }

    @Test
    void rebuild_unchangedInputs_reusesTheImageWithoutAVm() throws Exception {
        String created = imageField("hello", "created");
        JcapProcess.Result again = jcap.run("build", "examples/hello");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().startsWith("Unchanged image hello: "), again.toString());
        assertFalse(again.err().contains("Booting the builder VM"), again.toString());
        assertEquals(created, imageField("hello", "created"));
    }

    @Test
    void rebuild_forced_givesTheSameStreamDigest() throws Exception {
        String digest = imageField("exit-code", "streamDigest");
        JcapProcess.Result again = jcap.run("build", "--force", "examples/exit-code");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().startsWith("Built image exit-code: "), again.toString());
        assertEquals(digest, imageField("exit-code", "streamDigest"));
    }

    @Test
    void rebuild_changedInput_buildsAgainWithANewDigest() throws Exception {
        Path project = JcapProcess.copyExample("hello", temp.resolve("changed"));
        JcapProcess.Result first = jcap.run("build", "--name", "changed", project.toString());
        assertEquals(0, first.exitCode(), first.toString());
        String digest = imageField("changed", "streamDigest");
        Files.writeString(project.resolve("Capstanfile"),
                Files.readString(project.resolve("Capstanfile")).replace("GREETING_NAME: world", "GREETING_NAME: moon"));
        JcapProcess.Result second = jcap.run("build", "--name", "changed", project.toString());
        assertEquals(0, second.exitCode(), second.toString());
        assertTrue(second.out().startsWith("Built image changed: "), second.toString());
        assertNotEquals(digest, imageField("changed", "streamDigest"));
        JcapProcess.Result run = jcap.run("run", "changed");
        assertEquals("Hello from jcap, moon!\n", run.out(), run.toString());
    }

    static String imageField(String name, String field) throws Exception {
        return imageField(jcap, name, field);
    }

    static String imageField(JcapProcess jcap, String name, String field) throws Exception {
        JcapProcess.Result images = jcap.run("images", "--json");
        for (JsonNode image : new ObjectMapper().readTree(images.out())) {
            if (image.get("name").asText().equals(name)) {
                return image.get(field).asText();
            }
        }
        throw new AssertionError("no image " + name + " in " + images);
    }

    static void assertTemporaryFolderEmpty() throws Exception {
        assertFolderEmpty(jcap.home.resolve("tmp"));
    }

    static void assertFolderEmpty(Path tmp) throws Exception {
        if (Files.isDirectory(tmp)) {
            try (var left = Files.list(tmp)) {
                assertEquals(java.util.List.of(), left.toList());
            }
        }
    }
}
