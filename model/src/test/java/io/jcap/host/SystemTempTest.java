package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SystemTempTest {
    @Test
    void folder_tmpdirSetToAnAbsolutePath_isTmpdir() {
        assertEquals(Path.of("/var/tmp/mine"), SystemTemp.folder(Map.of("TMPDIR", "/var/tmp/mine"), "/tmp"));
    }

    @Test
    void folder_tmpdirUnsetEmptyOrRelative_isJavasTmpdir() {
        assertEquals(Path.of("/tmp"), SystemTemp.folder(Map.of(), "/tmp"));
        assertEquals(Path.of("/tmp"), SystemTemp.folder(Map.of("TMPDIR", ""), "/tmp"));
        assertEquals(Path.of("/tmp"), SystemTemp.folder(Map.of("TMPDIR", "relative/tmp"), "/tmp"));
    }

    /** The JVM's own environment, as a child JVM sees it: java.io.tmpdir stays /tmp, the folder follows TMPDIR. */
    @Test
    void folder_inAJvmStartedWithTmpdir_followsTmpdir(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
        builder.environment().put("TMPDIR", dir.toString());
        Process p = builder.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor(), out);
        assertEquals(dir.toString(), out);
    }

    /** The child JVM of {@link #folder_inAJvmStartedWithTmpdir_followsTmpdir}. */
    public static final class Main {
        public static void main(String[] args) {
            System.out.println(SystemTemp.folder());
        }
    }
}
