/**
 * ISO 9660 volumes with Joliet names, as cloud-init's NoCloud seeds are: one root folder of small
 * files, written deterministically and read back. May import only the JDK.
 */
package io.jcap.formats.iso9660;
