/**
 * What {@code jcap push IMAGE libvirt} leaves on a libvirt host, local or reached over SSH: the
 * image as a qcow2 volume in a storage pool, sent through libvirt's own stream upload
 * ({@link io.jcap.hypervisor.libvirt.push.PoolVolumes}), and a persistent domain that boots it
 * ({@link io.jcap.hypervisor.libvirt.push.PersistentDomains}).
 *
 * <p>May import: {@code io.jcap.hypervisor}, {@code io.jcap.hypervisor.libvirt}, {@code io.jcap.model},
 * {@code io.jcap.formats} and {@code io.jcap.formats.qcow2}, the libvirt Java bindings and the JDK;
 * never {@code io.jcap.hypervisor.qemu}. Nothing in {@code io.jcap.hypervisor.libvirt} imports it.
 */
package io.jcap.hypervisor.libvirt.push;
