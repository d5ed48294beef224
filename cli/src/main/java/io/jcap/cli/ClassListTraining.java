package io.jcap.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads (without initialising) every class of jcap and of the libraries every command starts
 * with, so that {@code bin/jcap} can record them with {@code -XX:DumpLoadedClassList} for its
 * class-data-sharing archive. Without it the archive held only the classes of whichever command
 * ran first after a build: a {@code jcap run} after a first {@code jcap version} loaded ~0.1 s of
 * classes from the jars.
 *
 * <p>It also goes once through the JDK's own paths that the commands take before their first guest
 * (a child process and its end, threads and futures, a private temporary file, SHA-256, a loopback
 * socket, a Unix socket, a file lock): loading a class from the runtime image rather than the
 * archive costs it about 0.05 ms, and {@code jcap run} used some 470 such classes when the archive
 * was made after another command.
 */
final class ClassListTraining {
    /** Packages whose classes go into the archive: jcap's, the CLI parser's, JSON and YAML. */
    private static final List<String> PREFIXES = List.of("io/jcap/", "picocli/", "com/fasterxml/jackson/",
            "org/yaml/snakeyaml/");

    private ClassListTraining() {
    }

    public static void main(String[] args) throws IOException, URISyntaxException {
        Path jar = Path.of(ClassListTraining.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> jars = new ArrayList<>(List.of(jar));
        try (JarFile main = new JarFile(jar.toFile())) {
            String classPath = main.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (classPath != null) {
                for (String entry : classPath.trim().split("\\s+")) {
                    jars.add(jar.resolveSibling(entry));
                }
            }
        }
        ClassLoader loader = ClassListTraining.class.getClassLoader();
        int loaded = 0;
        for (Path path : jars) {
            try (JarFile file = new JarFile(path.toFile())) {
                for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                    String name = e.nextElement().getName();
                    if (name.endsWith(".class") && !name.contains("-") && PREFIXES.stream().anyMatch(name::startsWith)) {
                        loaded += load(loader, name.substring(0, name.length() - 6).replace('/', '.'));
                    }
                }
            }
        }
        exerciseJdk();
        System.out.println(loaded + " classes loaded");
    }

    /** The JDK paths the commands take before their first guest; any failure here only loses classes. */
    private static void exerciseJdk() {
        try {
            Process child = new ProcessBuilder("true").redirectErrorStream(true).start();
            child.getInputStream().readAllBytes();
            child.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            ProcessHandle.current().info().command();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
            pool.submit(() -> java.util.concurrent.CompletableFuture.supplyAsync(() -> 1).join()).get();
            pool.shutdown();
            // Where jcap's own temporary files go ($TMPDIR, as the commands take it).
            Path dir = java.nio.file.Files.createTempDirectory(io.jcap.host.SystemTemp.folder(), "jcap-training",
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            try {
                Path file = java.nio.file.Files.createTempFile(dir, "t", ".tmp");
                java.nio.file.Files.writeString(file, "x");
                try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                        java.nio.file.StandardOpenOption.WRITE); java.nio.channels.FileLock lock = channel.lock()) {
                    channel.force(true);
                }
                try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(dir)) {
                    walk.count();
                }
                java.nio.file.Files.move(file, dir.resolve("moved"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                java.nio.file.Files.delete(dir.resolve("moved"));
                try (java.nio.channels.SocketChannel unix = java.nio.channels.SocketChannel.open(
                        java.net.UnixDomainSocketAddress.of(dir.resolve("absent.sock")))) {
                    unix.isConnected();
                } catch (IOException absent) {
                    // the classes are loaded by the attempt
                }
            } finally {
                java.nio.file.Files.delete(dir);
            }
            java.security.MessageDigest.getInstance("SHA-256").digest(new byte[1]);
            new java.security.SecureRandom().nextBytes(new byte[8]);
            try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                    java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(),
                            server.getLocalPort())) {
                socket.setSoTimeout(1000);
            }
            String.format("%d %s %.2f", 1, "a", 1.5).matches("\\d+ .*");
            java.time.format.DateTimeFormatter.ISO_INSTANT.format(java.time.Instant.now());
        } catch (IOException | InterruptedException | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException | java.security.NoSuchAlgorithmException e) {
            System.out.println("JDK paths not all exercised: " + e);
        }
    }

    private static int load(ClassLoader loader, String name) {
        try {
            Class.forName(name, false, loader);
            return 1;
        } catch (LinkageError | ClassNotFoundException e) {
            return 0; // a class for an optional library that is not on the class path: not needed at start
        }
    }
}
