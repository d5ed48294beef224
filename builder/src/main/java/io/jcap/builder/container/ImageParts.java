package io.jcap.builder.container;

import io.jcap.model.Sha256;
import java.util.List;
import java.util.Optional;

/**
 * A container image as its layout describes it, before any layer is read: the config's bytes
 * (already checked against their digest where the layout gives one) and the layers in order.
 *
 * @param config the image config JSON
 * @param layers the layers, lowest first
 */
record ImageParts(byte[] config, List<Layer> layers) {
    ImageParts {
        config = config.clone();
        layers = List.copyOf(layers);
    }

    /**
     * One layer: the member of the layout holding it and what its bytes must hash to.
     *
     * @param member the layout member ({@code blobs/sha256/4f2...}, {@code 1a2b.../layer.tar})
     * @param digest the blob's digest when the manifest gives one (docker save's older form has none)
     * @param size the blob's size in bytes, -1 when not given
     */
    record Layer(String member, Optional<Sha256> digest, long size) {
    }
}
