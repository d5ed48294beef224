package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java applications on the minimal runtime jcap links for them, with the real bin/jcap and QEMU. */
class JavaRuntimeIT {
    @TempDir
    static Path temp;
    static JcapProcess jcap;
    static JcapProcess.Result firstBuild;

    @BeforeAll
    static void buildHelloJava() throws Exception {
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        firstBuild = jcap.run("build", "examples/hello-java");
        assertEquals(0, firstBuild.exitCode(), firstBuild.toString());
    }

    @Test
    void build_helloJava_linksARuntimeWithJavaBaseOnly_andStaysWithin40MB() throws Exception {
        assertTrue(firstBuild.out().startsWith("Built image hello-java: "), firstBuild.toString());
        assertTrue(firstBuild.err().contains("Linking a Java runtime with jlink: java.base\n"), firstBuild.toString());
        JsonNode image = image("hello-java");
        assertTrue(image.get("diskSize").asLong() <= 40_000_000L, "image above 40 MB on disk: " + image);
        assertEquals("/opt/java/bin/java -Xmx64M -XX:+UseG1GC -XX:-UsePerfData -jar /app/hello.jar world", image.get("cmdline").asText());
    }

    @Test
    void run_helloJava_printsGreetingAndExitsZero() throws Exception {
        JcapProcess.Result run = jcap.run("run", "hello-java");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("Hello from Java on jcap, world!\n", run.out(), run.toString());
    }

    /**
     * Arguments and output beyond ASCII: the image's C.UTF-8 locale gives the JVM UTF-8 for its
     * arguments and its console (under the POSIX locale both were ASCII: "Gr??e").
     */
    @Test
    void run_helloJava_withNonAsciiArguments_printsThemWhole() throws Exception {
        JcapProcess.Result run = jcap.run("run", "--cmd",
                "/opt/java/bin/java -Xmx64M -XX:+UseG1GC -XX:-UsePerfData -jar /app/hello.jar Grüße ✓ 日本", "hello-java");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("Hello from Java on jcap, Grüße ✓ 日本!\n", run.out(), run.toString());
    }

    @Test
    void rebuild_helloJava_takesTheRuntimeFromTheCacheWithoutJlink() throws Exception {
        Path cache = jcap.home.resolve("cache/jlink");
        Matcher cached = Pattern.compile("Cached the Java runtime in (\\S+)\n").matcher(firstBuild.err());
        assertTrue(cached.find(), firstBuild.toString());
        Path entry = Path.of(cached.group(1));
        assertEquals(cache, entry.getParent());
        List<Path> entries = list(cache); // other tests of this class may have cached other runtimes
        FileTime stamped = Files.getLastModifiedTime(entry.resolve("jcap-jlink.txt"));
        String stamp = Files.readString(entry.resolve("jcap-jlink.txt"));

        JcapProcess.Result again = jcap.run("build", "examples/hello-java");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().startsWith("Unchanged image hello-java: "), again.toString());
        assertTrue(again.err().contains("Java runtime (java.base) from the cache: " + entry + "\n"), again.toString());
        assertFalse(again.err().contains("Linking a Java runtime"), again.toString());
        assertEquals(entries, list(cache));
        assertEquals(stamp, Files.readString(entry.resolve("jcap-jlink.txt")), "the same runtime, not linked again");
        assertTrue(Files.getLastModifiedTime(entry.resolve("jcap-jlink.txt")).compareTo(stamped) >= 0,
                "the use is recorded on the stamp (the cache keeps the runtimes used last)");
    }

    @Test
    void runDetached_httpJava_answersGetThroughTheForwardedPort() throws Exception {
        jcap.requireDetachedRun();
        JcapProcess.Result build = jcap.run("build", "examples/http-java");
        assertEquals(0, build.exitCode(), build.toString());
        assertTrue(build.err().contains("Linking a Java runtime with jlink: java.base,jdk.httpserver\n"),
                build.toString());
        int port = JcapProcess.freePort();
        JcapProcess.Result started = jcap.run("run", "-d", "-p", port + ":8080", "--name", "http-it", "http-java");
        assertEquals(0, started.exitCode(), started.toString());
        JcapProcess.Result stop;
        JcapProcess.Result rm;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(10)).GET().build();
            HttpResponse<String> response = Poll.until("GET / answered on port " + port, Duration.ofSeconds(180),
                    () -> Optional.of(client.send(get, HttpResponse.BodyHandlers.ofString())));
            assertEquals(200, response.statusCode(), response.toString());
            assertEquals("Hello from jcap over HTTP\n", response.body());
            assertEquals("text/plain; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        } finally {
            stop = jcap.run("stop", "http-it");
            rm = jcap.run("rm", "http-it");
        }
        assertEquals(0, stop.exitCode(), stop.toString());
        assertEquals(0, rm.exitCode(), rm.toString());
    }

    private static JsonNode image(String name) throws Exception {
        JcapProcess.Result images = jcap.run("images", "--json");
        for (JsonNode image : new ObjectMapper().readTree(images.out())) {
            if (image.get("name").asText().equals(name)) {
                return image;
            }
        }
        throw new AssertionError("no image " + name + " in " + images);
    }

    private static List<Path> list(Path folder) throws Exception {
        try (var entries = Files.list(folder)) {
            return entries.sorted().toList();
        }
    }
}
