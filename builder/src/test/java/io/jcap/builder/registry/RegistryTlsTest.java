package io.jcap.builder.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryTlsTest {
    @TempDir
    Path dir;

    @Test
    void certDirThatIsNoFolder_isAWrongCommandLine_andEmptyFolderSaysWhatToPutThere() throws Exception {
        Path missing = dir.resolve("nonexistent");
        JcapException e = assertThrows(JcapException.class, () -> new RegistryTls(Optional.of(missing), false).context());
        assertEquals("--cert-dir " + missing + " is not a folder: give the folder that holds the registry's CA"
                + " certificate as ca.crt (as skopeo's --cert-dir)", e.getMessage());
        assertEquals(ExitCode.USAGE, e.exitCode());

        Path empty = Files.createDirectories(dir.resolve("empty"));
        JcapException none = assertThrows(JcapException.class, () -> new RegistryTls(Optional.of(empty), false).context());
        assertEquals("--cert-dir " + empty + " holds no *.crt certificate: put the registry's CA there as ca.crt",
                none.getMessage());
    }
}
