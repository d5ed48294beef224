package io.jcap.builder.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The version check of a loopback registry that speaks plain HTTP: whatever way its answer to the
 * TLS ClientHello is lost, jcap goes on in plain HTTP. A plain registry answers the ClientHello
 * with an HTTP 400 and closes; when the close comes as a reset before the answer is read, the JDK
 * says the handshake was terminated (a fault no registry produces on demand, so a stand-in ends the
 * first connection that way and answers the second as a registry).
 */
class RegistryPlainFallbackTest {
    @Test
    void connect_tlsAttemptEndedWithoutAnswer_goesOnInPlainHttp() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            Thread standIn = new Thread(() -> {
                while (true) {
                    try (Socket s = server.accept()) {
                        InputStream in = s.getInputStream();
                        byte[] request = new byte[4096];
                        int n = in.read(request);
                        if (connections.incrementAndGet() == 1) {
                            s.setSoLinger(true, 0);
                            continue;
                        }
                        String line = new String(request, 0, Math.max(n, 0), StandardCharsets.US_ASCII).lines()
                                .findFirst().orElse("");
                        String answer = line.startsWith("GET /v2/ ") ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 404 Not Found\r\n";
                        s.getOutputStream().write((answer + "Content-Length: 0\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            standIn.setDaemon(true);
            standIn.start();
            ImageReference ref = ImageReference.parse("127.0.0.1:" + server.getLocalPort() + "/team/app:1");
            RegistryHttp http = new RegistryHttp(ref, "pull", Optional.empty(), RegistryTls.DEFAULT);

            http.connect();

            assertEquals("http://127.0.0.1:" + server.getLocalPort(), http.base().toString());
            assertEquals(2, connections.get());
        }
    }

    @Test
    void noTlsAnswer_onlyForAServerThatShowedNoTls() {
        assertTrue(RegistryHttp.noTlsAnswer(new SSLHandshakeException("Remote host terminated the handshake")));
        assertTrue(RegistryHttp.noTlsAnswer(new IOException("HTTP/1.1 header parser received no bytes")));
        assertTrue(RegistryHttp.noTlsAnswer(new javax.net.ssl.SSLException("Unrecognized SSL message")));

        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertificateException("unable to find valid certification path"));
        assertFalse(RegistryHttp.noTlsAnswer(untrusted));
        assertFalse(RegistryHttp.noTlsAnswer(new ConnectException("Connection refused")));
        assertFalse(RegistryHttp.noTlsAnswer(new HttpTimeoutException("request timed out")));
    }
}
