/**
 * Turning a project into an image's file tree: the host build command, host files as image
 * entries, the guest configuration, the composed tree and its digests (the stream's; the tree's,
 * from the files' digests remembered by {@code io.jcap.host.DigestCache}).
 *
 * <p>May import {@code api} and the model (with {@code io.jcap.host}), capstanfile, kernels and
 * streamer modules.
 */
package io.jcap.builder.compose;
