/**
 * The GUID partition table of UEFI: a protective MBR, a primary header and entries array at the
 * start of the disk and their backup at its end, written ({@link io.jcap.formats.gpt.GptDisk}) and
 * read back ({@link io.jcap.formats.gpt.GptTable}). Imports the JDK only.
 */
package io.jcap.formats.gpt;
