/**
 * The local image repository: stored images, their metadata and its one JSON form, and the
 * atomic commit of a built disk.
 *
 * <p>May import {@code temp} and the model and hypervisor modules; nothing else of the builder.
 */
package io.jcap.builder.repository;
