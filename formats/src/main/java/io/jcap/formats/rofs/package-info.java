/**
 * OSv's read-only file system (ROFS): written from image entries on the host, read back to list or extract files. May import {@code io.jcap.model} and {@code io.jcap.formats.mbr}.
 */
package io.jcap.formats.rofs;
