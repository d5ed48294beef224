package io.jcap.builder;

/**
 * The outcome of a build.
 *
 * @param reused true when the stored image already had these inputs and no VM was booted
 */
public record BuildResult(ImageRepository.StoredImage image, boolean reused) {
}
