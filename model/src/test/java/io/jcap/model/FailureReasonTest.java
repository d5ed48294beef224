package io.jcap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class FailureReasonTest {
    /** What the JDK's HTTP client throws when nothing listens on the port: a ConnectException without a message. */
    @Test
    void aPortNobodyListensOn_isConnectionRefused() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build();
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()));
        assertEquals("connection refused", FailureReason.of(e));
    }

    @Test
    void theFirstMessageAlongTheCauses_isTaken() {
        assertEquals("handshake timed out",
                FailureReason.of(new IOException((String) null, new IllegalStateException("handshake timed out"))));
        assertEquals("outer", FailureReason.of(new IOException("outer", new IllegalStateException("inner"))));
    }

    @Test
    void noMessageAnywhere_givesConnectionRefusedForAConnectException_elseTheExceptionsName() {
        assertEquals("connection refused", FailureReason.of(new ConnectException()));
        assertEquals("connection refused", FailureReason.of(new IOException((String) null, new ConnectException())));
        assertEquals("EOFException", FailureReason.of(new java.io.EOFException()));
    }

    @Test
    void aHostNameThatDoesNotResolve_isSaidSo_notConnectionRefused() {
        // .invalid never resolves (RFC 2606); the JDK's client throws a bare ConnectException for it.
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://no-such-host.invalid:5000/v2/")).build();
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()));
        assertEquals("its host name does not resolve (unknown host)", FailureReason.of(e));
        assertEquals("its host name does not resolve (unknown host)",
                FailureReason.of(new IOException("x", new java.net.UnknownHostException("no-such-host.invalid"))));
    }

    /** The JDK's AccessDeniedException and NoSuchFileException say only the path. */
    @Test
    void aFileThatFailed_saysWhy() {
        java.nio.file.AccessDeniedException denied = new java.nio.file.AccessDeniedException("/p/rootfs/data/closed");
        java.nio.file.NoSuchFileException gone = new java.nio.file.NoSuchFileException("/p/secret");
        java.nio.file.FileSystemException other = new java.nio.file.FileSystemException("/p/x", null, "Is a directory");

        assertEquals("permission denied", FailureReason.ofFile(denied));
        assertEquals("no such file or directory", FailureReason.ofFile(gone));
        assertEquals("Is a directory", FailureReason.ofFile(other));
        assertEquals("/p/rootfs/data/closed: permission denied", FailureReason.withFile(denied));
        assertEquals("/p/x: Is a directory", FailureReason.withFile(other));
        assertEquals("disk full", FailureReason.withFile(new IOException("disk full")));
        assertEquals("/p/file: not a folder", FailureReason.withFile(new java.nio.file.NotDirectoryException("/p/file")));
        assertEquals("/p/d: folder not empty", FailureReason.withFile(new java.nio.file.DirectoryNotEmptyException("/p/d")));
    }
}
