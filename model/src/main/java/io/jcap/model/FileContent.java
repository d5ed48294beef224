package io.jcap.model;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bytes of a regular file in an image: a host file read when streamed, or bytes in memory. */
public sealed interface FileContent {
    long size();

    InputStream open() throws IOException;

    /** A host file; its size is read now so that a file changing under us is noticed. */
    static FileContent of(Path hostFile) throws IOException {
        return new HostFile(hostFile, Files.size(hostFile));
    }

    /** A host file whose identity (links followed) was read where it was found. */
    static FileContent of(Path hostFile, FileIdentity identity) {
        return new HostFile(hostFile, identity.size(), identity);
    }

    static FileContent of(byte[] bytes) {
        return new Bytes(bytes.clone());
    }

    /**
     * A host file, read when the stream is written.
     *
     * @param identity its identity where it was found, for the digest cache; null when it was not read
     */
    record HostFile(Path path, long size, FileIdentity identity) implements FileContent {
        public HostFile {
            if (identity != null && identity.size() != size) {
                throw new IllegalArgumentException(path + ": a size of " + size + " bytes, an identity of "
                        + identity.size());
            }
        }

        public HostFile(Path path, long size) {
            this(path, size, null);
        }

        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(path);
        }

        // equals and hashCode written out, the same as the record's own: see GuestPath.
        @Override
        public boolean equals(Object o) {
            return o instanceof HostFile other && java.util.Objects.equals(path, other.path) && size == other.size
                    && java.util.Objects.equals(identity, other.identity);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * java.util.Objects.hashCode(path) + Long.hashCode(size))
                    + java.util.Objects.hashCode(identity);
        }
    }

    /** Bytes held in memory (generated files such as configuration). */
    record Bytes(byte[] bytes) implements FileContent {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }

        // equals and hashCode written out, the same as the record's own (the array's identity): see GuestPath.
        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes other && bytes == other.bytes;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(bytes);
        }
    }
}
