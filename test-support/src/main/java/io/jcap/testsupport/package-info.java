/**
 * Fixtures the modules' tests share (test scope only): JUnit extensions for tests that need QEMU, libvirt, a kernel or sshd, sample OSv loaders and ROFS trees, event recorders. May import {@code io.jcap.model} and JUnit.
 */
package io.jcap.testsupport;
