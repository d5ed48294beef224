/**
 * OCI image layers as tar archives: writing one reproducibly from files on the host (sorted, parents
 * explicit, fixed owner and mtime, as a KubeVirt containerDisk wants its {@code disk/}) and reading
 * one back into a folder, refusing any entry that is not a plain file or folder inside it; and applying
 * a container image's layers in order as runtimes do ({@code LayerStack}: whiteouts, opaque folders,
 * links, owners; gzip, zstd or plain), refusing paths that leave the tree. May import
 * {@code io.jcap.model}, Commons Compress and aircompressor (zstd).
 */
package io.jcap.formats.oci;
