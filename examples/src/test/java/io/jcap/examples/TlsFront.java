package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.Requirements;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * socat as a TLS front of a plain HTTP service on 127.0.0.1, with a self-signed certificate for
 * 127.0.0.1 made by openssl: a real TLS server (OpenSSL) for tests of certificate checks.
 *
 * @param certificate the server's certificate (PEM), which is its own CA
 */
record TlsFront(Process socat, int port, Path certificate) implements AutoCloseable {
    /** Starts a front of {@code backend} (its host and port), keeping its files in {@code dir}. */
    static TlsFront start(URI backend, Path dir) throws Exception {
        Requirements.requireProgram("socat", "socat");
        Requirements.requireProgram("openssl", "openssl");
        Files.createDirectories(dir);
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost").redirectErrorStream(true).start();
        String said = new String(openssl.getInputStream().readAllBytes());
        assertEquals(0, openssl.waitFor(), said);
        Path both = Files.writeString(dir.resolve("both.pem"), Files.readString(key) + Files.readString(cert));
        int port = JcapProcess.freePort();
        Path log = dir.resolve("socat.log");
        Process socat = new ProcessBuilder("socat", "OPENSSL-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork,verify=0,cert="
                + both, "TCP:" + backend.getHost() + ":" + backend.getPort()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return new TlsFront(socat, port, cert);
            } catch (IOException e) {
                assertTrue(System.nanoTime() < deadline && socat.isAlive(), "socat does not listen: " + Files.readString(log));
                Thread.sleep(50);
            }
        }
    }

    /** {@code https://127.0.0.1:PORT}. */
    String url() {
        return "https://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        socat.destroy();
        socat.waitFor();
    }
}
