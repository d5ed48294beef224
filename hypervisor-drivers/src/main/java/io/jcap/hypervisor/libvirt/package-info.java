/**
 * The {@code libvirt} driver: domains defined for one run on a libvirt daemon, here or on a host
 * reached over SSH, with the guest's files staged there and its console read as a libvirt stream.
 *
 * <p>May import: {@code io.jcap.hypervisor}, {@code io.jcap.model}, {@code io.jcap.formats} and {@code io.jcap.formats.qcow2}, the libvirt Java bindings,
 * JSch and the JDK; never {@code io.jcap.hypervisor.qemu} (what both drivers share lives in
 * {@code io.jcap.hypervisor}).
 */
package io.jcap.hypervisor.libvirt;
