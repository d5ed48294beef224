package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file with runs of zeros goes into the builder guest with holes (docs/guest-protocol.md, "Files
 * with holes"). A sparse 5 GiB file was refused before (newc's sizes are 32-bit), and a 1 GiB one
 * sent its gigabyte of zeros through the guest's network at ~60 MB/s; now its data alone crosses,
 * it reads the same in the guest, and its blocks there are its data's.
 */
class SparseFileIT {
    /** Prints /data/db's size, its allocated KiB, and the bytes at three offsets. */
    private static final String READER = "#include <fcntl.h>\n#include <stdio.h>\n#include <sys/stat.h>\n"
            + "#include <unistd.h>\n"
            + "int main(void) {\n"
            + "    struct stat st;\n"
            + "    if (stat(\"/data/db\", &st) != 0) { perror(\"stat\"); return 1; }\n"
            + "    int fd = open(\"/data/db\", O_RDONLY);\n"
            + "    char row[4] = {0}, end[4] = {0}, zeros[3] = {1, 1, 1};\n"
            + "    if (pread(fd, row, 3, 3LL << 30) != 3 || pread(fd, end, 3, st.st_size - 3) != 3\n"
            + "            || pread(fd, zeros, 3, 1LL << 30) != 3) { perror(\"pread\"); return 1; }\n"
            + "    printf(\"size=%lld allocated-kib=%lld at-3g=%s end=%s zeros-at-1g=%d\\n\", (long long)st.st_size,\n"
            + "           (long long)st.st_blocks / 2, row, end, !zeros[0] && !zeros[1] && !zeros[2]);\n"
            + "    return 0;\n"
            + "}\n";
    private static final Pattern STREAMED = Pattern.compile("Streamed (\\d+) bytes in .*; (\\d+) bytes of zeros left"
            + " as holes");

    @TempDir
    Path temp;

    @Test
    void sparseFileOver4GiB_buildsFromItsDataAndReadsTheSameInTheGuest() throws Exception {
        JcapProcess.requireMachine();
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.cProject(temp, "reader", READER, "  /data/db: db\nmemory: 128M\n");
        long size = 5L << 30;
        try (RandomAccessFile db = new RandomAccessFile(project.resolve("db").toFile(), "rw")) {
            db.setLength(size);
            db.seek(3L << 30);
            db.write("row".getBytes(StandardCharsets.US_ASCII));
            db.seek(size - 3);
            db.write("end".getBytes(StandardCharsets.US_ASCII));
        }

        JcapProcess.Result build = jcap.run("build", project.toString());
        JcapProcess.Result run = jcap.run("run", "reader");

        assertEquals(0, build.exitCode(), build.toString());
        Matcher streamed = STREAMED.matcher(build.err());
        assertTrue(streamed.find(), build.toString());
        // The program, the kernel and the initramfs; of the 5 GiB file two blocks and its hole map.
        assertTrue(Long.parseLong(streamed.group(1)) < 64L << 20, streamed.group());
        assertEquals(size - 2 * 4096, Long.parseLong(streamed.group(2)), streamed.group());
        assertEquals(0, run.exitCode(), run.toString());
        Matcher line = Pattern.compile("size=(\\d+) allocated-kib=(\\d+) at-3g=row end=end zeros-at-1g=1\n")
                .matcher(run.out());
        assertTrue(line.matches(), run.toString());
        assertEquals(size, Long.parseLong(line.group(1)));
        assertTrue(Long.parseLong(line.group(2)) <= 64, line.group());
    }
}
