package io.jcap.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Azurite Blob service (Microsoft's Azure Storage emulator) on 127.0.0.1, started for a
 * test on a free port with its data in a folder of the test's, and stopped by {@link #close()}.
 * Its one account is Azurite's well-known {@code devstoreaccount1}.
 *
 * <pre>{@code
 * try (Azurite azurite = Azurite.start(dir)) {
 *     env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
 * }
 * }</pre>
 */
public final class Azurite implements AutoCloseable {
    /** Azurite's account. */
    public static final String ACCOUNT = "devstoreaccount1";
    /** The account's key, published in Azurite's documentation. */
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final long READY_MILLIS = 60_000;

    private final Process process;
    private final int port;
    private final Path log;

    private Azurite(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts Azurite with its data under {@code dir}; skips (fails under {@code CI=true}) without it. */
    public static Azurite start(Path dir) throws IOException, InterruptedException {
        Requirements.require(Component.AZURITE);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path data = Files.createDirectories(dir.resolve("azurite"));
        Path log = dir.resolve("azurite.log");
        Process process = new ProcessBuilder(List.of("azurite-blob", "--blobHost", "127.0.0.1", "--blobPort",
                String.valueOf(port), "--location", data.toString(), "--loose", "--skipApiVersionCheck",
                "--disableTelemetry", "--silent"))
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        Azurite azurite = new Azurite(process, port, log);
        long deadline = System.currentTimeMillis() + READY_MILLIS;
        while (!azurite.accepts()) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                azurite.close();
                throw new IOException("azurite-blob did not listen on 127.0.0.1:" + port + " within "
                        + READY_MILLIS / 1000 + " s: " + Files.readString(log).strip());
            }
            Thread.sleep(100);
        }
        return azurite;
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The Blob service's URL for the account: {@code http://127.0.0.1:PORT/devstoreaccount1}. */
    public String blobEndpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** A connection string with the account, its key and the Blob endpoint, as the Azure tools take it. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
                + blobEndpoint() + ";";
    }

    /** The process's ID (to stop it in the middle of an upload). */
    public long pid() {
        return process.pid();
    }

    /** Stops it and waits for it to end. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
