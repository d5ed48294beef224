/**
 * Debian packages (.deb): the ar container, the control file's fields and selective extraction of the data archive. May import {@code io.jcap.model}, Commons Compress and XZ.
 */
package io.jcap.formats.deb;
