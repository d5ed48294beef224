package io.jcap.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The Java template of {@code jcap init} fitted to the folder it is written into: the build tool
 * the folder uses (Maven's {@code pom.xml}, Gradle's build file) and the jar it makes, or a jar
 * already there with nothing to build. A folder with none of them gets the template as it is.
 *
 * <pre>{@code
 * JavaInit.Fit fit = JavaInit.fit(Path.of("."));   // pom.xml of demo 1.0
 * fit.apply(template);   // build: mvn -q package, /app/demo-1.0.jar: target/demo-1.0.jar
 * fit.description();     // "built by Maven into target/demo-1.0.jar"
 * }</pre>
 */
final class JavaInit {
    private static final String TEMPLATE_BUILD = "build: mvn -q package";
    private static final String TEMPLATE_JAR = "app.jar";
    private static final String TEMPLATE_HOST_JAR = "target/app.jar";

    private JavaInit() {
    }

    /**
     * What the folder says about its application.
     *
     * @param build the build command, or empty when the jar is there already
     * @param hostJar the jar's path relative to the folder
     * @param description what was found, for jcap init's message; empty when nothing was
     */
    record Fit(Optional<String> build, String hostJar, String description) {
        /** The template with this folder's build command and jar. */
        String apply(String template) {
            String jar = Path.of(hostJar).getFileName().toString();
            return template.replace(TEMPLATE_BUILD, build.map(b -> "build: " + b)
                            .orElse("# build: mvn -q package     # nothing to build: the jar is here"))
                    .replace("  /app/" + TEMPLATE_JAR + ": " + TEMPLATE_HOST_JAR, "  /app/" + jar + ": " + hostJar)
                    .replace("/app/" + TEMPLATE_JAR, "/app/" + jar);
        }
    }

    static Fit fit(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("pom.xml"))) {
            Optional<String> named = mavenJar(dir.resolve("pom.xml"));
            Optional<String> built = onlyJar(dir.resolve("target")).map(j -> "target/" + j);
            String jar = named.or(() -> built).orElse(TEMPLATE_HOST_JAR);
            return new Fit(Optional.of("mvn -q package"), jar, "built by Maven into " + jar
                    + (named.isPresent() || built.isPresent() ? "" : ": check files:, the jar's name was not found"));
        }
        if (Files.isRegularFile(dir.resolve("build.gradle")) || Files.isRegularFile(dir.resolve("build.gradle.kts"))) {
            String gradle = Files.isExecutable(dir.resolve("gradlew")) ? "./gradlew" : "gradle";
            Optional<String> built = onlyJar(dir.resolve("build/libs")).map(j -> "build/libs/" + j);
            String jar = built.orElse("build/libs/app.jar");
            return new Fit(Optional.of(gradle + " -q jar"), jar, "built by Gradle into " + jar
                    + (built.isPresent() ? "" : ": check files:, the jar's name was not found"));
        }
        Optional<String> jar = onlyJar(dir);
        if (jar.isPresent()) {
            return new Fit(Optional.empty(), jar.get(), "the jar " + jar.get() + ", nothing to build");
        }
        return new Fit(Optional.of("mvn -q package"), TEMPLATE_HOST_JAR, "");
    }

    /** The one application jar in a folder: not a sources, javadoc or tests jar, nor the shade plugin's original. */
    private static Optional<String> onlyJar(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            List<String> jars = entries.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".jar") && !n.startsWith("original-") && !n.endsWith("-sources.jar")
                            && !n.endsWith("-javadoc.jar") && !n.endsWith("-tests.jar"))
                    .sorted().toList();
            return jars.size() == 1 ? Optional.of(jars.get(0)) : Optional.empty();
        }
    }

    /**
     * {@code target/ARTIFACT-VERSION.jar} of a jar-packaged POM whose artifact id, version (its own
     * or its parent's) and final name are written out, without properties to resolve.
     */
    static Optional<String> mavenJar(Path pom) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // A POM needs no DTD: none is read, nor any entity outside the file.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            javax.xml.parsers.DocumentBuilder builder = factory.newDocumentBuilder();
            // The parser's own handler prints a broken POM's error on stderr; this one only throws.
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
            Element project = builder.parse(pom.toFile()).getDocumentElement();
            String packaging = child(project, "packaging").orElse("jar");
            Optional<String> finalName = element(project, "build").flatMap(b -> child(b, "finalName"));
            Optional<String> artifact = child(project, "artifactId");
            Optional<String> version = child(project, "version")
                    .or(() -> element(project, "parent").flatMap(p -> child(p, "version")));
            Optional<String> name = finalName.isPresent() ? finalName
                    : artifact.flatMap(a -> version.map(v -> a + "-" + v));
            return name.filter(n -> packaging.equals("jar") && !n.contains("${") && !n.contains("/"))
                    .map(n -> "target/" + n + ".jar");
        } catch (Exception e) {
            // Not a POM jcap can read: the jar is looked for instead.
            return Optional.empty();
        }
    }

    /** The text of {@code parent}'s element {@code name}, when it has some. */
    private static Optional<String> child(Element parent, String name) {
        return element(parent, name).map(e -> e.getTextContent().strip()).filter(t -> !t.isEmpty());
    }

    private static Optional<Element> element(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getTagName())) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
