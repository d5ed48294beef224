/**
 * Linux kernels: the kernel store (SHA-256 verified), Debian's kernel packages fetched with apt, their modules, the initramfs that carries jcap's guest init, and the ELF libraries programs need. May import {@code io.jcap.model}, {@code io.jcap.host}, {@code io.jcap.formats}, Jackson and Commons Compress; never {@code kernels.osv} or {@code kernels.imports}.
 */
package io.jcap.kernels;
