/**
 * OCI image layers as tar archives: writing one reproducibly from files on the host (sorted, parents
 * explicit, fixed owner and mtime, as a KubeVirt containerDisk wants its {@code disk/}) and reading
 * one back into a folder, refusing any entry that is not a plain file or folder inside it. May import
 * {@code io.jcap.model} and Commons Compress.
 */
package io.jcap.formats.oci;
