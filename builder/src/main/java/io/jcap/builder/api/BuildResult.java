package io.jcap.builder.api;

import io.jcap.builder.repository.ImageRepository;

/**
 * The outcome of a build.
 *
 * @param reused true when the stored image already had these inputs and no VM was booted
 */
public record BuildResult(ImageRepository.StoredImage image, boolean reused) {
}
