/**
 * ELF files: type, interpreter, dynamic section (needed libraries, soname, rpath) and named sections, read without loading anything. Imports the JDK only.
 */
package io.jcap.formats.elf;
