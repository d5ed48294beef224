/**
 * linux-mini, jcap's tailored kernel: built from Debian's {@code linux-source} package with jcap's
 * config fragment on top of {@code tinyconfig}, reproducibly, and stored in the kernel store. May
 * import {@code io.jcap.kernels}, {@code io.jcap.model} and {@code io.jcap.host}.
 */
package io.jcap.kernels.mini;
