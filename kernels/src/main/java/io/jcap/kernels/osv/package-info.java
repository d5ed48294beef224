/**
 * OSv kernels: its loader image and ZFS builder, recognised, imported and pulled into the kernel store, and the fixed parts of an OSv disk (loader, partition, command line). May import {@code io.jcap.kernels}, {@code io.jcap.model}, {@code io.jcap.host} and {@code io.jcap.formats.mbr}.
 */
package io.jcap.kernels.osv;
