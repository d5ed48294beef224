/**
 * The {@code qemu} driver: QEMU processes started on this machine (in the foreground or detached),
 * their QMP control socket, the console log keeper of detached guests, the accelerator probe, and
 * QEMU's tools (qemu-img, version detection).
 *
 * <p>May import: {@code io.jcap.hypervisor}, {@code io.jcap.model}, Jackson and the JDK; never
 * {@code io.jcap.hypervisor.libvirt}.
 */
package io.jcap.hypervisor.qemu;
