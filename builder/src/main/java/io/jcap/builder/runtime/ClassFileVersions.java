package io.jcap.builder.runtime;

import io.jcap.model.JcapException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Refuses class files compiled for a newer Java than the runtime the image gets, which is linked
 * from the JDK jcap runs on: jdeps reads them without a word, and the JVM would refuse them only
 * when the image runs ({@code UnsupportedClassVersionError}). A multi-release jar's versioned
 * classes ({@code META-INF/versions/N/}) are left alone: the runtime picks those it can load.
 *
 * <pre>{@code
 * ClassFileVersions.requireAtMost(List.of(jar, classesFolder), 17);
 * }</pre>
 */
final class ClassFileVersions {
    /** A class file's major version is the Java release plus this (61 for Java 17). */
    static final int MAJOR_OFFSET = 44;
    private static final int MAGIC = 0xCAFEBABE;
    private static final String VERSIONED = "META-INF/versions/";

    private ClassFileVersions() {
    }

    /**
     * @param inputs the application's jars, class files and class folders on the host
     * @param feature the runtime's Java release ({@code Runtime.version().feature()})
     * @throws JcapException naming the first class file newer than {@code feature}, and its jar
     */
    static void requireAtMost(List<Path> inputs, int feature) throws JcapException {
        for (Path input : inputs) {
            try {
                if (Files.isDirectory(input)) {
                    try (Stream<Path> walk = Files.walk(input)) {
                        for (Path p : walk.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                            String name = input.relativize(p).toString();
                            if (!name.startsWith(VERSIONED)) {
                                try (InputStream in = Files.newInputStream(p)) {
                                    check(in, feature, p.toString(), null);
                                }
                            }
                        }
                    }
                } else if (input.toString().endsWith(".class")) {
                    try (InputStream in = Files.newInputStream(input)) {
                        check(in, feature, input.toString(), null);
                    }
                } else {
                    try (ZipFile zip = new ZipFile(input.toFile())) {
                        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                            ZipEntry entry = e.nextElement();
                            if (entry.getName().endsWith(".class") && !entry.getName().startsWith(VERSIONED)) {
                                try (InputStream in = zip.getInputStream(entry)) {
                                    check(in, feature, entry.getName(), input);
                                }
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // Not a jar or class file jcap can read: jdeps, next, says what is wrong with it.
            }
        }
    }

    private static void check(InputStream in, int feature, String name, Path jar) throws JcapException {
        int major;
        try {
            DataInputStream data = new DataInputStream(in);
            if (data.readInt() != MAGIC) {
                return;
            }
            data.readUnsignedShort();
            major = data.readUnsignedShort();
        } catch (IOException e) {
            return; // too short to be a class file: jdeps says so
        }
        if (major > feature + MAJOR_OFFSET) {
            int release = major - MAJOR_OFFSET;
            throw new JcapException((jar == null ? "class file " + name : "jar " + jar + " holds " + name + ", which is")
                    + " compiled for Java " + release + " (class file version " + major + "), but the image's Java"
                    + " runtime is Java " + feature + ", linked from the JDK jcap runs on (" + JdkTools.javaHome()
                    + "): compile it for Java "
                    + feature + " (javac --release " + feature + "), or run jcap on a JDK of Java " + release
                    + " or later (JAVA_HOME)");
        }
    }
}
