package io.jcap.builder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.builder.JavaProjects;
import io.jcap.builder.api.JcapHome;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import io.jcap.testsupport.RecordedEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaRuntimeTest {
    @TempDir
    Path temp;

    @Test
    void applicationFiles_classFolderWildcardAndManifestClassPath_giveTheirHostFiles() throws Exception {
        Path main = Files.writeString(temp.resolve("Main.class"), "x");
        Path helper = Files.writeString(temp.resolve("Helper.class"), "x");
        Path text = Files.writeString(temp.resolve("notes.txt"), "x");
        Path libA = Files.writeString(temp.resolve("a.jar"), "x");
        Path deeper = Files.writeString(temp.resolve("deeper.jar"), "x");
        Map<GuestPath, ImageEntry> files = image(Map.of("/app/classes/p/Main.class", main,
                "/app/classes/p/q/Helper.class", helper, "/app/classes/notes.txt", text, "/app/lib/a.jar", libA,
                "/app/lib/more/deeper.jar", deeper));
        assertEquals(List.of(main, helper, libA), JavaRuntime.applicationFiles(JavaCommandLineTest.java("p.Main", null,
                List.of("/app/classes", "/app/lib/*"), List.of(), null, null, List.of()), files));
    }

    @Test
    void applicationFiles_wildcardAtTheRoot_givesTheJarsThere() throws Exception {
        Path top = Files.writeString(temp.resolve("top.jar"), "x");
        Path nested = Files.writeString(temp.resolve("nested.jar"), "x");
        assertEquals(List.of(top), JavaRuntime.applicationFiles(JavaCommandLineTest.java("p.Main", null,
                List.of("/*"), List.of(), null, null, List.of()), image(Map.of("/top.jar", top, "/app/nested.jar",
                nested))));
    }

    @Test
    void applicationFiles_executableJar_addsTheJarsItsManifestNames() throws Exception {
        Path classFile = JavaProjects.compile(temp, "Hi", "public class Hi { public static void main(String[] a) {} }");
        Path app = JavaProjects.jar(temp.resolve("app.jar"), classFile, "Hi", "lib/dep.jar ../other.jar missing.jar");
        Path dep = Files.writeString(temp.resolve("dep.jar"), "x");
        Path other = Files.writeString(temp.resolve("other.jar"), "x");
        Map<GuestPath, ImageEntry> files = image(Map.of("/app/app.jar", app, "/app/lib/dep.jar", dep,
                "/other.jar", other));
        assertEquals(List.of(app, dep, other), JavaRuntime.applicationFiles(JavaCommandLineTest.java(null,
                "/app/app.jar", List.of(), List.of(), null, null, List.of()), files));
    }

    @Test
    void applicationFiles_classPathEntryNamingNothing_saysWhatToAdd() {
        JcapException e = assertThrows(JcapException.class, () -> JavaRuntime.applicationFiles(
                JavaCommandLineTest.java("p.Main", null, List.of("/app/classes"), List.of(), null, null, List.of()),
                Map.of()));
        assertEquals("runtime.java: class path entry /app/classes names nothing in the image: add the application's"
                + " jar or classes under files or rootfs", e.getMessage());
    }

    @Test
    void prepare_jarWithoutMainClass_isRefusedBeforeAnythingIsLinked() throws Exception {
        Path classFile = JavaProjects.compile(temp, "Hi", "public class Hi { public static void main(String[] a) {} }");
        Path app = JavaProjects.jar(temp.resolve("app.jar"), classFile, null, null);
        JcapHome home = new JcapHome(temp.resolve("home"));
        JcapException e = assertThrows(JcapException.class, () -> JavaRuntime.prepare(JavaCommandLineTest.java(null,
                "/app/app.jar", List.of(), List.of(), null, null, List.of()),
                List.copyOf(image(Map.of("/app/app.jar", app)).values()), true, new JlinkCache(home, new RecordedEvents())));
        assertEquals("runtime.java.jar: /app/app.jar has no Main-Class in its manifest, so java -jar cannot start it:"
                + " set runtime.java.main, or build the jar with a main class", e.getMessage());
        assertEquals(false, Files.exists(home.cache()));
    }

    /**
     * A main class that none of the class path's jars and folders holds, or a jar's Main-Class
     * that is not in it, is refused when the image is built: the JVM said "Could not find or load
     * main class" only when the image ran.
     */
    @Test
    void prepare_mainClassInNoneOfTheClassPath_isRefusedBeforeAnythingIsLinked() throws Exception {
        Path classFile = JavaProjects.compile(temp, "Hi", "public class Hi { public static void main(String[] a) {} }");
        Path app = JavaProjects.jar(temp.resolve("app.jar"), classFile, null, null);
        Path wrong = JavaProjects.jar(temp.resolve("wrong.jar"), classFile, "x.Nope", null);
        JcapHome home = new JcapHome(temp.resolve("home"));
        JcapException main = assertThrows(JcapException.class, () -> JavaRuntime.prepare(JavaCommandLineTest.java(
                "x.Nope", null, List.of("/app/app.jar", "/app/classes"), List.of(), null, null, List.of()),
                List.copyOf(image(Map.of("/app/app.jar", app, "/app/classes/Other.class", classFile)).values()), true,
                new JlinkCache(home, new RecordedEvents())));
        JcapException manifest = assertThrows(JcapException.class, () -> JavaRuntime.prepare(JavaCommandLineTest.java(
                null, "/app/wrong.jar", List.of(), List.of(), null, null, List.of()),
                List.copyOf(image(Map.of("/app/wrong.jar", wrong)).values()), true,
                new JlinkCache(home, new RecordedEvents())));

        assertEquals("runtime.java: main class x.Nope (x/Nope.class) is in none of /app/app.jar, /app/classes: the JVM"
                + " would not find it; check runtime.java.main and classpath, and that files or rootfs put the"
                + " application's classes in the image", main.getMessage());
        assertEquals("runtime.java: main class x.Nope (x/Nope.class) is in none of /app/wrong.jar: the JVM would not"
                + " find it; check runtime.java.jar's Main-Class, and that files or rootfs put the application's classes"
                + " in the image", manifest.getMessage());
        assertEquals(false, Files.exists(home.cache()));
    }

    @Test
    void prepare_jarNotInTheImage_saysHowToAddIt() {
        JcapException e = assertThrows(JcapException.class, () -> JavaRuntime.prepare(JavaCommandLineTest.java(null,
                "/app/app.jar", List.of(), List.of(), null, null, List.of()), List.of(), true,
                new JlinkCache(new JcapHome(temp), new RecordedEvents())));
        assertEquals("runtime.java.jar: /app/app.jar is not in the image: add it under files (/app/app.jar:"
                + " target/app.jar)", e.getMessage());
    }

    private static Map<GuestPath, ImageEntry> image(Map<String, Path> files) throws Exception {
        Map<GuestPath, ImageEntry> image = new TreeMap<>();
        for (Map.Entry<String, Path> f : files.entrySet()) {
            GuestPath path = GuestPath.of(f.getKey());
            image.put(path, new ImageEntry.RegularFile(path, 0644, FileContent.of(f.getValue())));
        }
        return image;
    }
}
