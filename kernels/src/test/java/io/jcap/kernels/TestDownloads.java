package io.jcap.kernels;

import java.net.http.HttpClient;
import java.time.Duration;

/** Downloads with test-sized bounds. */
public final class TestDownloads {
    private TestDownloads() {
    }

    public static KernelDownload withStallTimeout(Duration stall) {
        return new KernelDownload(HttpClient.newHttpClient(), stall);
    }
}
