package io.jcap.builder.compose;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandInterpretersTest {
    /** A dynamically linked program of this machine: its PT_INTERP is the host's loader. */
    private static final Path DYNAMIC = Path.of("/bin/true");
    private static final String LOADER = "/lib64/ld-linux-x86-64.so.2";
    /** An x86-64 ELF header with no program headers: a static program, for the check. */
    private static final byte[] STATIC = elfHeader(62);

    private static byte[] elfHeader(int machine) {
        byte[] h = new byte[64];
        h[0] = 0x7f;
        h[1] = 'E';
        h[2] = 'L';
        h[3] = 'F';
        h[4] = 2;   // 64-bit
        h[5] = 1;   // little-endian
        h[6] = 1;
        h[16] = 2;  // ET_EXEC
        h[18] = (byte) machine;
        h[19] = (byte) (machine >> 8);
        return h;
    }

    private static ImageEntry file(String path, int mode, String text) {
        return file(path, mode, text.getBytes(StandardCharsets.UTF_8));
    }

    private static ImageEntry file(String path, int mode, byte[] bytes) {
        return new ImageEntry.RegularFile(GuestPath.of(path), mode, FileContent.of(bytes));
    }

    private static String refused(ImageTree tree, String command) {
        return refused(tree, command, Map.of());
    }

    private static String refused(ImageTree tree, String command, Map<String, String> env) {
        return assertThrows(JcapException.class,
                () -> CommandInterpreters.check(tree, GuestPath.of(command), env)).getMessage();
    }

    private static void accepted(ImageTree tree, String command) {
        assertDoesNotThrow(() -> CommandInterpreters.check(tree, GuestPath.of(command), Map.of()));
    }

    @Test
    void script_whoseInterpreterIsMissing_isRefusedNamingIt() {
        ImageTree tree = new ImageTree().add(file("/run.sh", 0755, "#!/bin/bash -e\necho hi\n"));
        assertEquals("the command /run.sh starts with #!/bin/bash -e, and its interpreter /bin/bash is not in the image:"
                + " add it under files (or its package's files), or name another interpreter", refused(tree, "/run.sh"));
    }

    @Test
    void script_whoseInterpreterIsThereThroughLinks_isAccepted() {
        ImageTree tree = new ImageTree()
                .add(file("/run.sh", 0755, "#! /bin/sh\necho hi\n"))
                .add(file("/usr/bin/busybox", 0755, STATIC))
                .add(new ImageEntry.Symlink(GuestPath.of("/bin"), "usr/bin"))
                .add(new ImageEntry.Symlink(GuestPath.of("/usr/bin/sh"), "busybox"));
        accepted(tree, "/run.sh");
    }

    @Test
    void script_whoseInterpreterIsNotExecutableOrAFolder_isRefused() {
        ImageTree tree = new ImageTree()
                .add(file("/run.sh", 0755, "#!/bin/sh\n"))
                .add(file("/bin/sh", 0644, STATIC))
                .add(file("/other.sh", 0755, "#!/opt\n"))
                .add(new ImageEntry.Directory(GuestPath.of("/opt"), 0755));
        assertEquals("the command /run.sh starts with #!/bin/sh, and its interpreter /bin/sh is not executable (mode"
                + " 644): chmod +x its host file", refused(tree, "/run.sh"));
        assertEquals("the command /other.sh starts with #!/opt, and its interpreter /opt is not a file in the image",
                refused(tree, "/other.sh"));
    }

    @Test
    void script_throughEnv_findsTheProgramInTheImagesPath() {
        ImageTree tree = new ImageTree()
                .add(file("/app/main.py", 0755, "#!/usr/bin/env python3\n"))
                .add(file("/usr/bin/env", 0755, STATIC));
        assertEquals("the command /app/main.py starts with #!/usr/bin/env python3, and python3 is in none of the"
                + " image's PATH folders (/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin): add it under files, or name"
                + " another program on that line", refused(tree, "/app/main.py"));

        tree.add(file("/opt/py/bin/python3", 0755, "#!/opt/py/bin/real\n"));
        assertEquals("the command /app/main.py starts with #!/usr/bin/env python3, and python3 is in none of the"
                + " image's PATH folders (/usr/bin): add it under files, or name another program on that line",
                refused(tree, "/app/main.py", Map.of("PATH", "/usr/bin")));
        // Found through the image's PATH, and followed: its own interpreter is missing.
        assertEquals("the command /app/main.py starts with #!/usr/bin/env python3, whose python3 is"
                + " /opt/py/bin/python3 starts with #!/opt/py/bin/real, and its interpreter /opt/py/bin/real is not in"
                + " the image: add it under files (or its package's files), or name another interpreter",
                refused(tree, "/app/main.py", Map.of("PATH", "/usr/bin:/opt/py/bin")));

        tree.add(file("/opt/py/bin/real", 0755, STATIC));
        assertDoesNotThrow(() -> CommandInterpreters.check(tree, GuestPath.of("/app/main.py"),
                Map.of("PATH", "/usr/bin:/opt/py/bin")));
        // env with options is left to the guest.
        tree.add(file("/app/opt.py", 0755, "#!/usr/bin/env -S python3 -u\n"));
        accepted(tree, "/app/opt.py");
    }

    @Test
    void dynamicProgram_withoutItsLoader_isRefusedNamingRuntimeNative() throws Exception {
        ImageTree tree = new ImageTree()
                .add(new ImageEntry.RegularFile(GuestPath.of("/app/true"), 0755, FileContent.of(DYNAMIC)));
        assertEquals("the command /app/true is linked dynamically: its loader " + LOADER + " is not in the image."
                + " Add `runtime: native` to the Capstanfile (it adds the loader and the shared libraries), or link"
                + " the program statically", refused(tree, "/app/true"));

        tree.add(file("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", 0755, STATIC))
                .add(new ImageEntry.Symlink(GuestPath.of("/lib64/ld-linux-x86-64.so.2"),
                        "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"));
        accepted(tree, "/app/true");
    }

    @Test
    void scriptInterpretedByADynamicProgramWithoutItsLoader_isRefusedWithTheChain() throws Exception {
        ImageTree tree = new ImageTree()
                .add(file("/start", 0755, "#!/bin/true\n"))
                .add(new ImageEntry.RegularFile(GuestPath.of("/bin/true"), 0755, FileContent.of(DYNAMIC)));
        assertEquals("the command /start starts with #!/bin/true, whose interpreter /bin/true is linked dynamically:"
                + " its loader " + LOADER + " is not in the image. Add `runtime: native` to the Capstanfile (it adds"
                + " the loader and the shared libraries), or link the program statically", refused(tree, "/start"));
    }

    @Test
    void programForAnotherMachine_isRefused() {
        ImageTree tree = new ImageTree().add(file("/app/arm", 0755, elfHeader(183)));
        assertEquals("the command /app/arm is an ELF program for another machine (aarch64), and the guest is x86-64:"
                + " build it for x86-64 (amd64)", refused(tree, "/app/arm"));
    }

    @Test
    void fileThatIsNeitherAProgramNorAScript_isRefused() {
        ImageTree tree = new ImageTree()
                .add(file("/app/app.jar", 0755, "PK\u0003\u0004..."))
                .add(file("/app/empty", 0755, new byte[0]));
        assertEquals("the command /app/app.jar is neither a program (an ELF file) nor a script starting with a #!"
                + " line: the guest cannot run it", refused(tree, "/app/app.jar"));
        assertEquals("the command /app/empty is neither a program (an ELF file) nor a script starting with a #!"
                + " line: the guest cannot run it (the file is empty)", refused(tree, "/app/empty"));
    }

    @Test
    void scriptWithWindowsLineEnds_isRefusedSayingSo() {
        ImageTree tree = new ImageTree()
                .add(file("/run.sh", 0755, "#!/bin/sh\r\necho hi\r\n"))
                .add(file("/bin/sh", 0755, STATIC));
        assertEquals("the command /run.sh has a #! line that ends with a carriage return (a file saved with Windows line"
                + " ends): Linux looks for the interpreter '/bin/sh\\r'; save the file with Unix line ends (dos2unix)",
                refused(tree, "/run.sh"));
    }

    @Test
    void interpretersWithoutEnd_areRefused_andOnesTheGuestResolves_areLeftToIt() {
        ImageTree tree = new ImageTree()
                .add(file("/loop", 0755, "#!/loop\n"))
                .add(file("/relative", 0755, "#!bin/sh\n"))
                .add(file("/blank", 0755, "#!   \n"));
        assertEquals("the command /loop starts with #!/loop, whose interpreter /loop starts with #!/loop, whose"
                + " interpreter /loop starts with #!/loop, whose interpreter /loop starts with #!/loop, whose interpreter"
                + " /loop starts with #!/loop, whose interpreter /loop: more than 5 interpreters of interpreters, which"
                + " Linux refuses to run", refused(tree, "/loop"));
        accepted(tree, "/relative");
        assertEquals("the command /blank starts with a #! line that names no interpreter: write one, such as #!/bin/sh",
                refused(tree, "/blank"));
    }
}
