/**
 * The {@code libvirt} driver: transient domains on a libvirt daemon, here or on a host reached over
 * SSH, with the guest's files staged there and its console followed from a file.
 *
 * <p>May import: {@code io.jcap.hypervisor}, {@code io.jcap.model}, {@code io.jcap.formats} and {@code io.jcap.formats.qcow2}, the libvirt Java bindings,
 * JSch and the JDK; never {@code io.jcap.hypervisor.qemu} (what both drivers share lives in
 * {@code io.jcap.hypervisor}).
 */
package io.jcap.hypervisor.libvirt;
