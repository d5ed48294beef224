/**
 * Microsoft's VHD format, fixed disks only: the 512-byte footer of the Virtual Hard Disk Image
 * Format Specification (cookie, geometry, checksum) and the layout of a fixed disk, the raw disk
 * followed by that footer, which Azure takes as a page blob. May import {@code io.jcap.model} and
 * {@code io.jcap.formats.qcow2} (the images it is written from).
 */
package io.jcap.formats.vhd;
