/**
 * The master boot record: the boot sector's signature and its four partition entries with their CHS and LBA addresses. May import {@code io.jcap.model}.
 */
package io.jcap.formats.mbr;
