package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.testsupport.CapstanRepositories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Capstan package that requires a package of Capstan's local repository ({@code CAPSTAN_ROOT},
 * written as {@code capstan package import} leaves it), built with the real bin/jcap over the
 * synthetic OSv loader: the required package's files and configurations go into the image, and
 * the package's own configuration runs the required one's command ({@code base}). That OSv runs
 * such a command line is checked against a real OSv in {@code OsvRealOsvIT}.
 */
class CapstanRepositoryIT {
    private static final String IMAGE = "greeting-app";

    @TempDir
    static Path temp;
    static JcapProcess jcap;
    static Map<String, String> env;
    static Path project;
    static JcapProcess.Result built;

    @BeforeAll
    static void buildThePackage() throws Exception {
        jcap = JcapProcess.withSyntheticOsvLoader(temp, "/greeter.so", "Hello from the application");
        Path repo = temp.resolve("capstan");
        CapstanRepositories.pkg("com.example.greeter")
                .file("greeter.so", "ELF greeter".getBytes(StandardCharsets.UTF_8), 0755)
                .file("etc/greeting", "Hello\n")
                .runYaml("runtime: native\nconfig_set:\n  greet:\n    bootcmd: /greeter.so $WHO\n    env:\n"
                        + "      WHO: world\n")
                .writeTo(repo);
        env = Map.of("CAPSTAN_ROOT", repo.toString());
        project = temp.resolve(IMAGE);
        Files.createDirectories(project.resolve("meta"));
        Files.writeString(project.resolve("meta/package.yaml"), "name: com.example.app\nrequire:\n  - osv.bootstrap\n"
                + "  - com.example.greeter\n");
        Files.writeString(project.resolve("meta/run.yaml"), "runtime: native\nconfig_set:\n  hello:\n"
                + "    base: com.example.greeter:greet\n    env:\n      WHO: jcap\nconfig_set_default: hello\n");
        Files.createDirectories(project.resolve("etc"));
        Files.writeString(project.resolve("etc/app.conf"), "x\n");
        built = jcap.run(env, "build", project.toString());
        assertEquals(0, built.exitCode(), built.toString());
    }

    @Test
    void build_readsThePackageFromTheRepository_andListsEveryConfiguration() {
        assertTrue(built.err().contains("Reading Capstan package com.example.greeter from "
                + temp.resolve("capstan/packages/com.example.greeter.mpm")), built.toString());
        assertTrue(built.out().contains("\nConfigurations: greet, hello (default) (run one with jcap run " + IMAGE
                + " --config-set NAME)\n"), built.toString());
    }

    @Test
    void imagesLs_holdsBothPackagesFiles_andNoMeta() throws Exception {
        assertEquals(List.of("/", "/etc", "/etc/app.conf", "/etc/greeting", "/greeter.so"), jcap.imagePaths(IMAGE));
    }

    @Test
    void imagesJson_theDefaultRunsTheRequiredPackagesCommandWithItsOwnVariable() throws Exception {
        JcapProcess.Result images = jcap.run("images", "--json");
        assertEquals(0, images.exitCode(), images.toString());
        JsonNode image = new ObjectMapper().readTree(images.out()).get(0);
        assertEquals("--rootfs=rofs --env=WHO=jcap /greeter.so $WHO", image.get("cmdline").asText());
        assertEquals("--rootfs=rofs --env=WHO=world /greeter.so $WHO", image.get("configSets").get("greet").asText());
    }

    @Test
    void validateAndBuild_withoutTheRepository_sayWhichLineAsksForWhat_andStoreNothing() throws Exception {
        Map<String, String> elsewhere = Map.of("CAPSTAN_ROOT", temp.resolve("empty-repository").toString());
        String expected = project.resolve("meta/package.yaml") + ":4:5: require[1]: package com.example.greeter is not"
                + " in the Capstan repository " + temp.resolve("empty-repository/packages") + " (no"
                + " com.example.greeter.mpm): pull it there with 'capstan package pull com.example.greeter' (jcap reads"
                + " Capstan's repository, it does not download), set CAPSTAN_ROOT to the repository that has it, or copy"
                + " its files into this folder and remove it from require\n";

        JcapProcess.Result validate = jcap.run(elsewhere, "validate", project.toString());
        assertEquals(1, validate.exitCode(), validate.toString());
        assertEquals(expected, validate.out());

        JcapProcess.Result build = jcap.run(elsewhere, "build", project.toString(), "--name", "not-stored");
        assertEquals(1, build.exitCode(), build.toString());
        assertTrue(build.out().contains(expected) || build.err().contains(expected.strip()), build.toString());
        JcapProcess.Result images = jcap.run("images");
        assertFalse(images.out().contains("not-stored"), images.toString());
    }
}
