/**
 * {@code jcap kernels import FILE}: tells a Linux package or bzImage from an OSv loader or builder and hands it to its family's importer. May import {@code io.jcap.kernels}, {@code io.jcap.kernels.osv}, {@code io.jcap.formats.qcow2} and {@code io.jcap.model}.
 */
package io.jcap.kernels.imports;
