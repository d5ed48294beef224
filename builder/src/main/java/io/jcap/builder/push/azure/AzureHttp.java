package io.jcap.builder.push.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP client of a push's storage calls: the Azure SDK's client over the JDK's, except that
 * nothing it needs runs on azure-core's {@code SharedExecutorService}. The SDK's default does run
 * there, the JDK client's own work and the read timeout of every answer; azure-core registers a JVM
 * shutdown hook that shuts that executor down, and every shutdown hook runs at once. So on Ctrl-C or
 * SIGTERM a call from jcap's hook (deleting the half-written blob) never completed, and the JVM
 * never exited.
 *
 * <p>Without the SDK's read timeout, a call is still bounded: the JDK client's own timeouts (connect,
 * the answer's headers) stay, the SDK's retry policy bounds each try, and the delete on an
 * interrupted push is waited for a bounded time ({@link HalfWrittenBlob}).
 */
final class AzureHttp {
    /** The JDK client's executor: daemon threads, so that it never keeps a stopping JVM alive. */
    private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "jcap-azure-http");
        thread.setDaemon(true);
        return thread;
    });

    private AzureHttp() {
    }

    /** A client that works until the JVM has ended, in its shutdown hooks too. */
    static HttpClient client() {
        return new JdkHttpClientBuilder().executor(EXECUTOR).readTimeout(Duration.ZERO).build();
    }
}
