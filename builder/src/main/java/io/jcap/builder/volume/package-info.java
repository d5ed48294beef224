/**
 * Volumes of runs ({@code jcap run --volume}, {@code jcap volume}): the named volumes under the jcap home
 * and the checks of a disk image file given as one.
 *
 * <p>May import {@code api} and the model module; nothing else of the builder.
 */
package io.jcap.builder.volume;
