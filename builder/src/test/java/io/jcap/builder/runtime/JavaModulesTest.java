package io.jcap.builder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaModulesTest {
    @TempDir
    Path temp;

    @Test
    void required_classUsingTheHttpServerAndLogging_needsTheirModules() throws Exception {
        Path classFile = compile("Server", "public class Server { public static void main(String[] a) throws Exception {"
                + " com.sun.net.httpserver.HttpServer.create(); java.util.logging.Logger.getGlobal(); } }");
        assertEquals(new TreeSet<>(List.of("java.base", "java.logging", "jdk.httpserver")),
                JavaModules.required(List.of(classFile), List.of(), temp.resolve("jdeps")));
    }

    @Test
    void required_plainClassAndAddedModules_givesJavaBaseAndThoseModules() throws Exception {
        Path classFile = compile("Plain", "public class Plain { public static void main(String[] a) {} }");
        SortedSet<String> modules = JavaModules.required(List.of(classFile),
                List.of("-Dx=y", "--add-modules", "jdk.crypto.ec,jdk.localedata", "--add-modules=java.sql"),
                temp.resolve("jdeps"));
        assertEquals(new TreeSet<>(List.of("java.base", "java.sql", "jdk.crypto.ec", "jdk.localedata")), modules);
    }

    @Test
    void required_fileThatIsNoClass_reportsJdepsFailure() throws Exception {
        Path bogus = Files.writeString(temp.resolve("Bogus.class"), "not a class");
        JcapException e = assertThrows(JcapException.class, () -> JavaModules.required(List.of(bogus), List.of(),
                temp.resolve("jdeps")));
        // The error jdeps throws is the JDK's own (JDK 17: com.sun.tools.classfile.ConstantPool$InvalidEntry).
        assertTrue(e.getMessage().startsWith("jdeps could not find the Java modules the application needs: it stopped"
                + " with "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" (check the jar and class files named by runtime.java)"), e.getMessage());
    }

    @Test
    void required_sameFilesAgain_takesJdepsAnswerFromTheCache_andChangedFilesAskAgain() throws Exception {
        Path classFile = compile("Plain", "public class Plain { public static void main(String[] a) {} }");
        Path cache = temp.resolve("jdeps");
        assertEquals(new TreeSet<>(List.of("java.base")), JavaModules.required(List.of(classFile), List.of(), cache));
        List<Path> answers;
        try (var files = Files.list(cache)) {
            answers = files.toList();
        }
        assertEquals(1, answers.size(), answers.toString());
        assertEquals("java.base\n", Files.readString(answers.get(0)));
        // An answer jdeps would not give proves that the second call read the cache.
        Files.writeString(answers.get(0), "java.base,java.sql\n");
        assertEquals(new TreeSet<>(List.of("java.base", "java.sql")),
                JavaModules.required(List.of(classFile), List.of(), cache));

        compile("Plain", "public class Plain { public static void main(String[] a) {"
                + " java.util.logging.Logger.getGlobal(); } }");
        assertEquals(new TreeSet<>(List.of("java.base", "java.logging")),
                JavaModules.required(List.of(classFile), List.of(), cache));
    }

    /**
     * A class compiled for a newer Java than the runtime (the JDK jcap runs on) is refused when the
     * image is built, naming the jar and the class: the JVM refused it only when the image ran.
     * A multi-release jar's versioned classes are the runtime's to pick, and pass.
     */
    @Test
    void required_classNewerThanTheRuntime_isRefusedNamingTheJar_butVersionedClassesPass() throws Exception {
        int feature = Runtime.version().feature();
        byte[] plain = Files.readAllBytes(compile("Plain", "public class Plain { public static void main(String[] a) {} }"));
        byte[] newer = plain.clone();
        newer[6] = 0;
        newer[7] = (byte) (feature + 1 + ClassFileVersions.MAJOR_OFFSET);
        Path jar = temp.resolve("app.jar");
        Path multi = temp.resolve("multi.jar");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.zip.ZipEntry("app/Plain.class"));
            out.write(plain);
            out.putNextEntry(new java.util.zip.ZipEntry("app/Newer.class"));
            out.write(newer);
        }
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(multi))) {
            out.putNextEntry(new java.util.zip.ZipEntry("app/Plain.class"));
            out.write(plain);
            out.putNextEntry(new java.util.zip.ZipEntry("META-INF/versions/" + (feature + 1) + "/app/Plain.class"));
            out.write(newer);
        }

        JcapException e = assertThrows(JcapException.class,
                () -> JavaModules.required(List.of(jar), List.of(), temp.resolve("jdeps")));

        assertTrue(e.getMessage().startsWith("jar " + jar + " holds app/Newer.class, which is compiled for Java "
                + (feature + 1) + " (class file version " + (feature + 1 + ClassFileVersions.MAJOR_OFFSET) + "), but the"
                + " image's Java runtime is Java " + feature + ", linked from the JDK jcap runs on ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("): compile it for Java " + feature + " (javac --release " + feature
                + "), or run jcap on a JDK of Java " + (feature + 1) + " or later (JAVA_HOME)"), e.getMessage());
        assertEquals(new TreeSet<>(List.of("java.base")), JavaModules.required(List.of(multi), List.of(),
                temp.resolve("jdeps")));
    }

    @Test
    void added_allModulePath_isRefusedWithTheNamesToUseInstead() {
        JcapException e = assertThrows(JcapException.class,
                () -> JavaModules.added(List.of("--add-modules=ALL-MODULE-PATH")));
        assertEquals("runtime.java.jvm_args: --add-modules ALL-MODULE-PATH cannot be linked into a minimal runtime:"
                + " name the modules (--add-modules java.sql,jdk.crypto.ec)", e.getMessage());
    }

    @Test
    void added_lastOptionWithoutValue_saysSo() {
        JcapException e = assertThrows(JcapException.class, () -> JavaModules.added(List.of("--add-modules")));
        assertEquals("runtime.java.jvm_args: --add-modules needs a value (--add-modules jdk.crypto.ec)", e.getMessage());
    }

    private Path compile(String name, String source) throws Exception {
        Path src = Files.writeString(temp.resolve(name + ".java"), source);
        Path classes = Files.createDirectories(temp.resolve("classes"));
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.toString());
        assertEquals(0, status);
        return classes.resolve(name + ".class");
    }
}
