/**
 * Pushing a stored image to somewhere else (a cloud's image service, a libvirt storage pool):
 * the {@link io.jcap.builder.push.PushTarget} interface, its request and result, and
 * {@link io.jcap.builder.push.PushTargets}, which finds the targets by name through
 * {@link java.util.ServiceLoader}; what the targets share: {@link io.jcap.builder.push.Secret},
 * {@link io.jcap.builder.push.FileSums}, {@link io.jcap.builder.push.ParallelPieces} and the one
 * {@link io.jcap.builder.push.RetryPolicy} of their cloud calls.
 *
 * <p>May import {@code repository}, the model module ({@code io.jcap.host} for the digest tools),
 * {@code io.jcap.formats.qcow2} (the pieces of a disk {@link io.jcap.builder.push.ParallelPieces} sends) and
 * Jackson (for the result's JSON); it never
 * imports a target's package, and targets ({@code push.openstack}, ...) import nothing of each other.
 */
package io.jcap.builder.push;
