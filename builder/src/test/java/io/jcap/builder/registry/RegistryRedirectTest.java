package io.jcap.builder.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry that redirects a blob to a URL that is not http or https (file:, a bad Location):
 * a fault the real docker-registry does not produce on demand, so a small stand-in answers.
 */
class RegistryRedirectTest {
    @TempDir
    Path temp;

    @Test
    void openBlob_redirectedToAFileUrlOrNoUrl_isRefusedByName() throws Exception {
        // Plain HTTP on a raw socket: a TLS ClientHello gets a 400 and a close, as the real
        // registry's Go server answers one (com.sun's HttpServer would wait for a request line).
        java.net.ServerSocket server = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
        Thread answering = new Thread(() -> {
            while (!server.isClosed()) {
                try (java.net.Socket s = server.accept()) {
                    java.io.InputStream in = s.getInputStream();
                    java.io.OutputStream out = s.getOutputStream();
                    int first = in.read();
                    if (first == 0x16) {
                        out.write("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        continue;
                    }
                    StringBuilder line = new StringBuilder().append((char) first);
                    for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                        line.append((char) c);
                    }
                    // The rest of the request's headers.
                    for (int c, previous = 0; (c = in.read()) != -1; previous = c == '\r' ? previous : c) {
                        if (c == '\n' && previous == '\n') {
                            break;
                        }
                    }
                    String path = line.toString().split(" ")[1];
                    String answer = path.equals("/v2/") ? "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                            : path.contains("sha256:" + "a".repeat(64))
                                    ? "HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n"
                                    : "HTTP/1.1 302 Found\r\nLocation: http://[bad\r\nContent-Length: 0\r\n";
                    out.write((answer + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } catch (java.io.IOException e) {
                    // closed
                }
            }
        });
        answering.setDaemon(true);
        answering.start();
        try {
            ImageReference ref = ImageReference.parse("127.0.0.1:" + server.getLocalPort() + "/team/app:1");
            RegistryAccess access = new RegistryAccess(new DockerConfig(Map.of(), temp), RegistryTls.DEFAULT);
            RemoteRepository remote = access.open(ref, "pull", EventSink.NONE);

            JcapException file = assertThrows(JcapException.class, () -> remote.openBlob(new Sha256("a".repeat(64))));
            assertEquals("registry " + ref.registry() + " redirected a download to a file: URL, not an http or https"
                    + " one: refused", file.getMessage());
            JcapException bad = assertThrows(JcapException.class, () -> remote.openBlob(new Sha256("b".repeat(64))));
            assertEquals("registry http://" + ref.registry() + " redirected blob sha256:" + "b".repeat(64)
                    + " to a Location that is not a URL", bad.getMessage());
        } finally {
            server.close();
        }
    }
}
