package io.jcap.builder.compose;

import io.jcap.formats.elf.ElfFile;
import io.jcap.model.FailureReason;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * What the guest's kernel needs, besides the file itself, to start an image's command: the
 * interpreter a script names on its {@code #!} line, and the loader a dynamically linked program
 * names (its ELF {@code PT_INTERP}, such as {@code /lib64/ld-linux-x86-64.so.2}). When either is
 * missing, exec fails with "No such file or directory" for a file that is there, which says
 * nothing about the real cause; the build says it instead, before any guest boots.
 *
 * <p>The chain is followed as the kernel does (a script's interpreter may itself be a script or a
 * dynamically linked program), at most {@value #MAX_DEPTH} steps, and through {@code
 * #!/usr/bin/env NAME}, which finds NAME in the guest's {@code PATH}. What the image alone does
 * not settle is left to the guest: a relative interpreter (found from the working folder), and
 * {@code env} with options.
 */
final class CommandInterpreters {
    /** The guest init's {@code PATH} when the image sets none (docs/guest-protocol.md). */
    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
    /** Linux reads this much of a file to choose how to run it (BINPRM_BUF_SIZE). */
    private static final int HEAD_BYTES = 256;
    /** Linux gives up after a few interpreters of interpreters (ELOOP); so does this check. */
    private static final int MAX_DEPTH = 5;
    private static final int ELF_MAGIC = 0x464c457f;
    private static final int EM_X86_64 = 62;

    private CommandInterpreters() {
    }

    /**
     * Checks what {@code command} (an executable regular file of {@code tree}) needs to start.
     *
     * @throws JcapException naming the missing or unusable interpreter and what to do
     */
    static void check(ImageTree tree, GuestPath command, Map<String, String> env) throws JcapException {
        GuestPath program = command;
        String chain = "the command " + command;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            ImageEntry.RegularFile file = tree.resolve(program).flatMap(ImageEntry::inode).orElse(null);
            if (file == null) {
                return;   // the caller checked the command; an interpreter is checked before it gets here
            }
            byte[] head = head(file.content(), program);
            if (head.length >= 2 && head[0] == '#' && head[1] == '!') {
                Shebang line = Shebang.parse(head);
                if (line.interpreter().isEmpty()) {
                    throw new JcapException(chain + " starts with a #! line that names no interpreter: write one,"
                            + " such as #!/bin/sh");
                }
                if (line.text().indexOf('\r') >= 0) {
                    throw new JcapException(chain + " has a #! line that ends with a carriage return (a file saved"
                            + " with Windows line ends): Linux looks for the interpreter '" + line.interpreter()
                            .replace("\r", "\\r") + "'; save the file with Unix line ends (dos2unix)");
                }
                if (!line.interpreter().startsWith("/")) {
                    return;   // found from the guest's working folder: the guest says what it finds
                }
                String shown = chain + " starts with #!" + line.text();
                GuestPath interpreter = usable(tree, GuestPath.of(line.interpreter()), shown, "its interpreter");
                if (interpreter.fileName().equals("env") && line.argument().matches("[^-=\\s][^=\\s]*")) {
                    String path = env.getOrDefault("PATH", DEFAULT_PATH);
                    // env execs the first executable file of that name, as execvp does.
                    program = tree.onPath(line.argument(), path, f -> (f.mode() & 0111) != 0)
                            .orElseThrow(() -> new JcapException(shown + ", and " + line.argument() + " is in none of"
                                    + " the image's PATH folders (" + path + "): add it under files, or name another"
                                    + " program on that line"));
                    chain = shown + ", whose " + line.argument() + " is " + program;
                } else {
                    program = interpreter;
                    chain = shown + ", whose interpreter " + interpreter;
                }
                continue;
            }
            if (head.length >= 4 && littleEndianInt(head) == ELF_MAGIC) {
                checkElf(tree, file.content(), head, chain);
                return;
            }
            throw new JcapException(chain + " is neither a program (an ELF file) nor a script starting with a #! line:"
                    + " the guest cannot run it" + (head.length == 0 ? " (the file is empty)" : ""));
        }
        throw new JcapException(chain + ": more than " + MAX_DEPTH + " interpreters of interpreters, which Linux"
                + " refuses to run");
    }

    private static void checkElf(ImageTree tree, FileContent content, byte[] head, String chain) throws JcapException {
        if (head.length < 20 || head[4] != 2) {
            return;   // a 32-bit program: Debian's kernel runs it; the guest says what it finds
        }
        int machine = (head[18] & 0xff) | (head[19] & 0xff) << 8;
        if (head[5] != 1 || machine != EM_X86_64) {
            throw new JcapException(chain + " is an ELF program for another machine (" + machineName(head[5], machine)
                    + "), and the guest is x86-64: build it for x86-64 (amd64)");
        }
        if (!(content instanceof FileContent.HostFile host)) {
            return;
        }
        Optional<String> loader;
        try {
            loader = ElfFile.read(host.path(), ElfFile::interpreter);
        } catch (IOException e) {
            throw new JcapException(chain + " cannot be read as an ELF program (" + host.path() + "): "
                    + e.getMessage(), e);
        }
        if (loader.isEmpty() || !loader.get().startsWith("/")) {
            return;   // statically linked
        }
        String shown = chain + " is linked dynamically";
        if (tree.resolve(GuestPath.of(loader.get())).flatMap(ImageEntry::inode).isEmpty()) {
            throw new JcapException(shown + ": its loader " + loader.get() + " is not in the image. Add"
                    + " `runtime: native` to the Capstanfile (it adds the loader and the shared libraries), or"
                    + " link the program statically");
        }
        usable(tree, GuestPath.of(loader.get()), shown, "its loader");
    }

    /** The interpreter as found in the tree (links followed), when it is an executable file. */
    private static GuestPath usable(ImageTree tree, GuestPath interpreter, String shown, String role)
            throws JcapException {
        ImageEntry found = tree.resolve(interpreter).orElse(null);
        if (found == null) {
            throw new JcapException(shown + ", and " + role + " " + interpreter + " is not in the image: add it under"
                    + " files (or its package's files), or name another interpreter");
        }
        ImageEntry.RegularFile file = ImageEntry.inode(found).orElse(null);
        if (file == null) {
            throw new JcapException(shown + ", and " + role + " " + interpreter + " is not a file in the image");
        }
        if ((file.mode() & 0111) == 0) {
            throw new JcapException(shown + ", and " + role + " " + interpreter + " is not executable (mode "
                    + Integer.toOctalString(file.mode()) + "): chmod +x its host file");
        }
        return interpreter;
    }

    private static byte[] head(FileContent content, GuestPath program) throws JcapException {
        try (InputStream in = content.open()) {
            return in.readNBytes(HEAD_BYTES);
        } catch (IOException e) {
            throw new JcapException("cannot read " + program + " to see how the guest starts it: " + FailureReason.withFile(e), e);
        }
    }

    private static int littleEndianInt(byte[] b) {
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    private static String machineName(byte data, int machine) {
        if (data != 1) {
            return "big-endian, machine " + machine;
        }
        return switch (machine) {
            case 3 -> "i386";
            case 8 -> "MIPS";
            case 20 -> "PowerPC";
            case 21 -> "PowerPC 64";
            case 22 -> "s390";
            case 40 -> "ARM";
            case 183 -> "aarch64";
            case 243 -> "RISC-V";
            default -> "machine " + machine;
        };
    }

    /**
     * A {@code #!} line as Linux reads it: the interpreter up to the first blank, then at most one
     * argument, the rest of the line with its outer blanks trimmed.
     */
    record Shebang(String text, String interpreter, String argument) {
        static Shebang parse(byte[] head) {
            int end = 2;
            while (end < head.length && head[end] != '\n') {
                end++;
            }
            String raw = new String(head, 2, end - 2, StandardCharsets.UTF_8);
            // A carriage return stays: Linux takes it as part of the interpreter's name or argument.
            String text = raw.replaceAll("[ \t]+$", "");
            String line = text.replaceAll("^[ \t]+", "");
            int blank = 0;
            while (blank < line.length() && line.charAt(blank) != ' ' && line.charAt(blank) != '\t') {
                blank++;
            }
            return new Shebang(text, line.substring(0, blank), line.substring(blank).replaceAll("^[ \t]+|[ \t]+$", ""));
        }
    }
}
