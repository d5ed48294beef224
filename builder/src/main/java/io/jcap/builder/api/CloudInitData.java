package io.jcap.builder.api;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Cloud-init data for one run, as files on the host: jcap writes them into a NoCloud seed (an ISO
 * 9660 volume labelled {@code cidata}) attached to the guest as a read-only drive, which a Linux
 * image's init reads (docs/guest-protocol.md, "Cloud-init data"; the keys it honours are in
 * docs/cloud.md). The files are read when the run is planned.
 *
 * <pre>{@code
 * RunRequest r = RunRequest.of("hello").withCloudInit(Optional.of(
 *         CloudInitData.of(Path.of("user-data")).withMetaData(Optional.of(Path.of("meta-data")))));
 * }</pre>
 *
 * @param userData the seed's {@code user-data} (a {@code #cloud-config} document, multipart MIME, ...)
 * @param metaData its {@code meta-data}; empty: {@code instance-id: } the image's name
 * @param networkConfig its {@code network-config}; empty: none
 */
public record CloudInitData(Path userData, Optional<Path> metaData, Optional<Path> networkConfig) {
    /** The most bytes of each file: what the guest init reads. */
    public static final int MAX_FILE = 1 << 20;

    public CloudInitData {
        Objects.requireNonNull(userData, "userData");
        Objects.requireNonNull(metaData, "metaData");
        Objects.requireNonNull(networkConfig, "networkConfig");
    }

    public static CloudInitData of(Path userData) {
        return new CloudInitData(userData, Optional.empty(), Optional.empty());
    }

    public CloudInitData withMetaData(Optional<Path> value) {
        return new CloudInitData(userData, value, networkConfig);
    }

    public CloudInitData withNetworkConfig(Optional<Path> value) {
        return new CloudInitData(userData, metaData, value);
    }
}
