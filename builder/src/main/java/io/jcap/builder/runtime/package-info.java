/**
 * What a Capstanfile's {@code runtime} adds to an image ({@code ImageRuntime}): the shared libraries of
 * its programs ({@code native}), a jlinked Java runtime and its command line ({@code java}).
 *
 * <p>May import {@code api}, {@code compose}, {@code temp} and the model, capstanfile, kernels and
 * streamer modules.
 */
package io.jcap.builder.runtime;
