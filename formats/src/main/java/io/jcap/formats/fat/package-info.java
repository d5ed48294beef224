/**
 * FAT12 and FAT16 volumes as Microsoft's FAT specification (fatgen103) lays them out, with 8.3 names
 * only: written whole from a map of paths to bytes ({@link io.jcap.formats.fat.FatWriter}), for the
 * EFI System Partition that UEFI firmware and GRUB read, and read back ({@link io.jcap.formats.fat.FatReader}).
 * Imports the JDK only.
 */
package io.jcap.formats.fat;
