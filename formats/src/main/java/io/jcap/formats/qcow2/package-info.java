/**
 * QEMU's qcow2 format: reading an image as the disk its guest sees (its data ranges and bytes, for push targets), writing a copy-on-write overlay on a qcow2 or raw backing file, the way qemu-img create -b does, and reading the files a header names outside the image (backing file, external data file) so that a disk from elsewhere that names one is refused. May import {@code io.jcap.model} and aircompressor (zstd).
 */
package io.jcap.formats.qcow2;
