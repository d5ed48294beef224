package io.jcap.kernels.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelDownload;
import io.jcap.kernels.KernelKind;
import io.jcap.kernels.KernelStore;
import io.jcap.kernels.TestDownloads;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import io.jcap.testsupport.OsvLoaders;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jcap kernels pull osv} against a real HTTP server on 127.0.0.1 serving a synthetic loader. */
class OsvKernelPullTest {
    private static final byte[] LOADER = OsvLoaders.loader();

    @TempDir
    Path dir;
    private HttpServer server;
    private KernelStore store;
    private Path tmp;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<long[]> progress = Collections.synchronizedList(new ArrayList<>());
    private final EventSink events = new EventSink() {
        @Override
        public void log(Level level, String message) {
        }

        @Override
        public void progress(String task, long done, long total) {
            progress.add(new long[] {done, total});
        }
    };

    @BeforeEach
    void start() throws IOException {
        store = new KernelStore(dir.resolve("kernels"));
        tmp = dir.resolve("tmp");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/releases/osv-loader.qemu.x86_64", exchange -> {
            exchange.sendResponseHeaders(200, LOADER.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(LOADER);
            }
        });
        server.createContext("/notes.txt", exchange -> {
            byte[] text = "not a kernel\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, text.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(text);
            }
        });
        server.createContext("/stalls", exchange -> {
            exchange.sendResponseHeaders(200, LOADER.length);
            OutputStream out = exchange.getResponseBody();
            out.write(LOADER, 0, 1000);
            out.flush();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void pull_matchingChecksum_storesTheLoaderWithProgressAndLeavesNoTempFile() throws Exception {
        URI url = url("/releases/osv-loader.qemu.x86_64");
        Kernel kernel = new OsvKernelImporter().pull(url, Sha256.of(LOADER), Optional.empty(), store, tmp, events);
        assertEquals("osv", kernel.name());
        assertEquals(KernelKind.OSV_LOADER, kernel.kind());
        assertEquals("url:" + url, kernel.origin());
        assertEquals(Sha256.of(LOADER), store.get("osv").imageSha256());
        assertFalse(progress.isEmpty());
        long[] last = progress.get(progress.size() - 1);
        assertEquals(LOADER.length, last[0]);
        assertEquals(LOADER.length, last[1]);
        assertEmpty(tmp);
    }

    @Test
    void pull_mismatchingChecksum_namesBothDigestsAndStoresNothing() throws Exception {
        URI url = url("/releases/osv-loader.qemu.x86_64");
        Sha256 expected = Sha256.of("another file".getBytes(StandardCharsets.UTF_8));
        JcapException e = assertThrows(JcapException.class,
                () -> new OsvKernelImporter().pull(url, expected, Optional.empty(), store, tmp, events));
        assertEquals("the download from " + url + " has SHA-256 " + Sha256.of(LOADER) + ", not the expected " + expected
                + ": the file changed or was tampered with, so nothing was stored; check the URL and the digest",
                e.getMessage());
        assertEquals(List.of(), store.names());
        assertFalse(Files.exists(store.dir().resolve("osv")));
        assertEmpty(tmp);
    }

    @Test
    void pull_missingFile_reportsTheHttpStatus() throws Exception {
        URI url = url("/releases/nothing-here");
        JcapException e = assertThrows(JcapException.class, () -> new OsvKernelImporter()
                .pull(url, Sha256.of(LOADER), Optional.empty(), store, tmp, events));
        assertEquals("cannot download " + url + ": the server answered HTTP 404", e.getMessage());
        assertEquals(io.jcap.model.ExitCode.FAILURE, e.exitCode(), "the URL's fault");
        assertEmpty(tmp);
    }

    @Test
    void pull_serverNotListening_isTheEnvironmentsFault() throws Exception {
        int port;
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + port + "/osv-loader.qemu");
        JcapException e = assertThrows(JcapException.class, () -> new OsvKernelImporter()
                .pull(url, Sha256.of(LOADER), Optional.empty(), store, tmp, events));
        assertTrue(e.getMessage().startsWith("cannot download " + url + ": "), e.getMessage());
        assertEquals(io.jcap.model.ExitCode.ENVIRONMENT, e.exitCode(), "exit 3, as push and pull to a dead server");
        assertEquals(List.of(), store.names());
        assertEmpty(tmp);
    }

    @Test
    void pull_fileThatIsNoKernel_isRefusedAfterTheChecksum() throws Exception {
        URI url = url("/notes.txt");
        Sha256 digest = Sha256.of("not a kernel\n".getBytes(StandardCharsets.UTF_8));
        JcapException e = assertThrows(JcapException.class,
                () -> new OsvKernelImporter().pull(url, digest, Optional.empty(), store, tmp, events));
        assertEquals("the file downloaded from " + url + " is neither an OSv loader image nor an OSv ZFS builder kernel"
                + " (it is only 13 bytes, too short for a boot sector, and not an ELF file); nothing was stored: check"
                + " the URL", e.getMessage());
        assertEquals(List.of(), store.names());
        assertEmpty(tmp);
    }

    @Test
    void pull_serverThatStalls_isAbandonedWithinTheBound() throws Exception {
        URI url = url("/stalls");
        KernelDownload impatient = TestDownloads.withStallTimeout(java.time.Duration.ofSeconds(1));
        JcapException e = assertThrows(JcapException.class, () -> new OsvKernelImporter(impatient)
                .pull(url, Sha256.of(LOADER), Optional.empty(), store, tmp, events));
        assertTrue(e.getMessage().startsWith("cannot download " + url + ": nothing arrived for 1 s (after "),
                e.getMessage());
        assertEquals(io.jcap.model.ExitCode.ENVIRONMENT, e.exitCode());
        assertEquals(List.of(), store.names());
        assertEmpty(tmp);
    }

    @Test
    void pull_fileUrl_isRefused() {
        URI url = URI.create("file:///etc/passwd");
        JcapException e = assertThrows(JcapException.class, () -> new OsvKernelImporter()
                .pull(url, Sha256.of(LOADER), Optional.empty(), store, tmp, events));
        assertEquals("cannot download file:///etc/passwd: only http and https URLs are supported", e.getMessage());
    }

    private static void assertEmpty(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> left = Files.list(folder)) {
            assertEquals(List.of(), left.toList());
        }
    }
}
