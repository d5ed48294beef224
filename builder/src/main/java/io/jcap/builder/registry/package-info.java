/**
 * Images shared through OCI registries: a stored image pushed as a KubeVirt containerDisk
 * ({@link io.jcap.builder.registry.RegistryPush}), pulled back into the repository with every digest
 * verified ({@link io.jcap.builder.registry.RegistryPull}), credentials read from and written to
 * Docker's {@code config.json} ({@link io.jcap.builder.registry.DockerConfig}), all over the OCI
 * distribution API with the JDK's HTTP clients. May import {@code io.jcap.builder.repository},
 * {@code io.jcap.builder.push} (for {@code Secret}), {@code io.jcap.formats}, {@code io.jcap.model},
 * {@code io.jcap.host} and Jackson.
 */
package io.jcap.builder.registry;
