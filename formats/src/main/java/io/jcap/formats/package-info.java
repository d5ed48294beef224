/**
 * The disk image formats jcap knows by QEMU's names ({@link io.jcap.formats.DiskFormat}); each
 * format jcap reads or writes itself has a package below. Imports the JDK only.
 */
package io.jcap.formats;
