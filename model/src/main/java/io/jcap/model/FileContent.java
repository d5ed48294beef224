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

    static FileContent of(byte[] bytes) {
        return new Bytes(bytes.clone());
    }

    /** A host file, read when the stream is written. */
    record HostFile(Path path, long size) implements FileContent {
        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(path);
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
    }
}
