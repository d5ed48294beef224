package io.jcap.kernels.osv;

/**
 * A file recognised as an OSv kernel: what it is, whether it came gzip-compressed, and its
 * size once decompressed.
 */
public record OsvKernelFile(OsvKernelKind kind, boolean gzipped, long size) {
    public OsvKernelFile {
        if (kind == null || size <= 0) {
            throw new IllegalArgumentException("a kernel file has a kind and a positive size");
        }
    }
}
