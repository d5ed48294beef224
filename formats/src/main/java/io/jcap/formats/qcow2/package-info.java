/**
 * QEMU's qcow2 format: writing a copy-on-write overlay on a qcow2 or raw backing file, the way qemu-img create -b does. May import {@code io.jcap.model}.
 */
package io.jcap.formats.qcow2;
