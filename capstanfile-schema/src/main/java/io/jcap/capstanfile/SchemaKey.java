package io.jcap.capstanfile;

import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What {@link SchemaPasses} knows a Capstanfile text by: the SHA-256 of the bundled schema and
 * the text. Apart from {@link SchemaCheck} so that computing it loads no validator class.
 */
final class SchemaKey {
    private static final String SCHEMA = schemaDigest();

    private SchemaKey() {
    }

    static Sha256 of(String text) {
        return Sha256.of((SCHEMA + "\n" + text).getBytes(StandardCharsets.UTF_8));
    }

    private static String schemaDigest() {
        try (InputStream in = SchemaKey.class.getResourceAsStream(SchemaCheck.RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + SchemaCheck.RESOURCE);
            }
            return Sha256.of(in.readAllBytes()).hex();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SchemaCheck.RESOURCE + " from the jar", e);
        }
    }
}
