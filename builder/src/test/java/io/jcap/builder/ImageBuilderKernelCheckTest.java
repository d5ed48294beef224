package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.JcapHome;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.testsupport.RecordedEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kernel the store lacks stops a build before the project's build command runs: it would fail after it anyway. */
class ImageBuilderKernelCheckTest {
    @TempDir
    Path temp;

    @Test
    void build_namingAKernelTheStoreLacks_failsBeforeTheBuildCommandRuns() throws Exception {
        Path project = Files.createDirectories(temp.resolve("app"));
        Files.writeString(project.resolve("Capstanfile"), "kernel: nosuch\nbuild: touch made\ncmdline: /made\n"
                + "files:\n  /made: made\n");
        JcapHome home = new JcapHome(temp.resolve("home"));

        JcapException e = assertThrows(JcapException.class, () -> new ImageBuilder(home, new RecordedEvents())
                .build(new BuildRequest(project, Optional.empty(), Optional.empty(), false)));

        assertEquals("kernel 'nosuch' is not in " + home.kernels() + ": pull it with 'jcap kernels pull' or import one"
                + " with 'jcap kernels import FILE'", e.getMessage());
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertFalse(Files.exists(project.resolve("made")), "the build command did not run");
    }
}
