/**
 * Container images as the contents of a jcap image ({@code from:} in a Capstanfile,
 * {@code jcap build --from}): an OCI layout, an oci-archive, a docker-archive or a registry
 * image ({@code builder.registry}'s {@code RegistryImage}) read with every
 * digest checked, its layers applied as runtimes do ({@code formats.oci.LayerStack}), and its
 * config (Entrypoint, Cmd, Env, WorkingDir, User, ExposedPorts) turned into what the guest init
 * runs. May import {@code io.jcap.builder.compose}, {@code io.jcap.builder.registry}, {@code io.jcap.formats}, {@code io.jcap.model}, {@code io.jcap.capstanfile} and
 * Jackson.
 */
package io.jcap.builder.container;
