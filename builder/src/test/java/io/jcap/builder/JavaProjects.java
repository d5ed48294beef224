package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;

/** Small Java applications for tests: a class compiled with the JDK's compiler, packed into a jar. */
public final class JavaProjects {
    private JavaProjects() {
    }

    /** Compiles {@code source} (class {@code name}, no package) into {@code dir}/classes; returns the class file. */
    public static Path compile(Path dir, String name, String source) throws Exception {
        Path src = Files.writeString(Files.createDirectories(dir).resolve(name + ".java"), source);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.toString());
        assertEquals(0, status, "javac " + src);
        return classes.resolve(name + ".class");
    }

    /** A jar holding {@code classFile}, with a Main-Class and a Class-Path when given (null for none). */
    public static Path jar(Path jar, Path classFile, String mainClass, String classPath) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        }
        if (classPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        Files.createDirectories(jar.getParent());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry(classFile.getFileName().toString()));
            out.write(Files.readAllBytes(classFile));
            out.closeEntry();
        }
        return jar;
    }
}
