/**
 * The push target {@code registry}: {@code jcap push IMAGE REGISTRY/REPOSITORY[:TAG]} through
 * {@code io.jcap.builder.registry}, with a KubeVirt VirtualMachine manifest for the pushed image on
 * request. May import {@code io.jcap.builder.push}, {@code io.jcap.builder.registry},
 * {@code io.jcap.builder.repository} and {@code io.jcap.model}.
 */
package io.jcap.builder.push.registry;
