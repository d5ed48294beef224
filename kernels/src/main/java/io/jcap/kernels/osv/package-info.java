/**
 * OSv kernels: its loader image and ZFS builder, recognised, imported and pulled into the kernel store, and the fixed parts of an OSv disk (loader, partition, command line). May import {@code io.jcap.kernels}, {@code io.jcap.model}, {@code io.jcap.host} {@code io.jcap.formats.mbr} and {@code io.jcap.formats.qcow2}.
 */
package io.jcap.kernels.osv;
