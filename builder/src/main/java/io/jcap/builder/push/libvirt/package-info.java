/**
 * The {@code libvirt} push target: an image into a libvirt storage pool as a volume, local or on a
 * host reached with {@code qemu+ssh://}, and optionally a persistent domain that boots it. The
 * libvirt work itself is {@code io.jcap.hypervisor.libvirt.push}'s; this package maps a push
 * request onto it. May import {@code io.jcap.builder.push}, {@code io.jcap.builder.repository},
 * {@code io.jcap.builder.api}, {@code io.jcap.hypervisor} and its {@code .libvirt} packages,
 * {@code io.jcap.model}, {@code io.jcap.host}.
 */
package io.jcap.builder.push.libvirt;
