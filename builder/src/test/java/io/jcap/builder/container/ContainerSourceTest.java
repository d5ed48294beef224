package io.jcap.builder.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A --from reference's relative path is the current folder's, whatever folder the project is. */
class ContainerSourceTest {
    private static final Path CWD = Path.of("").toAbsolutePath();

    @Test
    void fromCommandLine_relativePaths_meanTheCurrentFolders() {
        Path project = CWD.resolve("sub/project");
        assertEquals("oci:" + CWD.resolve("layout") + ":1", ContainerSource.fromCommandLine("oci:layout:1", project, false));
        assertEquals("oci:../../layout:1", ContainerSource.fromCommandLine("oci:layout:1", project, true));
        assertEquals("oci:../../layout", ContainerSource.fromCommandLine("oci:./layout", project, true));
        assertEquals("docker-archive:" + CWD.resolve("a.tar"),
                ContainerSource.fromCommandLine("docker-archive:a.tar", project, false));
        assertEquals("oci-archive:../../b.tar", ContainerSource.fromCommandLine("oci-archive:b.tar", project, true));
        assertEquals("oci:.", ContainerSource.fromCommandLine("oci:sub/project", project, true));
    }

    @Test
    void fromCommandLine_absolutePathsRegistriesAndBadText_comeBackAsGiven() {
        Path project = CWD.resolve("project");
        assertEquals("oci:/srv/layout:1", ContainerSource.fromCommandLine("oci:/srv/layout:1", project, true));
        assertEquals("docker-archive:/srv/a.tar", ContainerSource.fromCommandLine("docker-archive:/srv/a.tar", project, false));
        assertEquals("127.0.0.1:5000/team/app:1", ContainerSource.fromCommandLine("127.0.0.1:5000/team/app:1", project, true));
        assertEquals("oci:", ContainerSource.fromCommandLine("oci:", project, false));
        assertEquals("oci:x:bad tag", ContainerSource.fromCommandLine("oci:x:bad tag", project, false));
    }
}
