/**
 * Fixtures the modules' tests share (test scope only): the {@link io.jcap.testsupport.Requires}
 * extension for tests that need QEMU, libvirt, a kernel or sshd (skip on a developer's machine,
 * fail under CI=true), synthetic OSv loaders and boot sectors, qcow2 images that name outside files (made by qemu-img), an event recorder, ROFS sample
 * trees, the local OpenStack cloud ({@link io.jcap.testsupport.OpenStackCloud}), a test-owned sshd
 * ({@link io.jcap.testsupport.TestSshd}), a test-owned Azurite Blob service ({@link io.jcap.testsupport.Azurite}). May import {@code io.jcap.model} and JUnit; never other jcap modules, whose tests use it.
 */
package io.jcap.testsupport;
