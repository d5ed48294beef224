/**
 * The cpio "newc" format as jcap writes it: deterministic streams of image entries, into a builder guest or an initramfs. May import {@code io.jcap.model} and Commons Compress.
 */
package io.jcap.formats.cpio;
