/**
 * Turning a project into an image's file tree: the host build command, host files as image
 * entries, the guest configuration, the composed tree and its stream digest.
 *
 * <p>May import {@code api} and the model, capstanfile, kernels and streamer modules.
 */
package io.jcap.builder.compose;
