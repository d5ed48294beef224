/**
 * GNU tar's old sparse format ({@code oldgnu}, type {@code S}): one disk image as a sparse member,
 * holes and all, the way {@code tar --format=oldgnu -S} writes it and Google Compute Engine takes
 * {@code disk.raw}. Commons Compress reads this format but does not write it. May import
 * {@code io.jcap.model} and {@code io.jcap.formats.qcow2} (the images it is written from).
 */
package io.jcap.formats.gnutar;
