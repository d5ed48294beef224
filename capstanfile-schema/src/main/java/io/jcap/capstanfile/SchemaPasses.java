package io.jcap.capstanfile;

import io.jcap.model.Sha256;

/**
 * Capstanfile texts known to pass the schema, kept by the caller between runs: the schema check
 * is a pure function of the schema and the text, and loading the validator is the largest part
 * of parsing (tens of milliseconds of every {@code jcap build}, which an unchanged rebuild
 * notices). A text is known by {@link #key}, the SHA-256 of the bundled schema and the text.
 */
public interface SchemaPasses {
    /** Remembers nothing: every text is checked. */
    SchemaPasses NONE = new SchemaPasses() {
        @Override
        public boolean contains(Sha256 key) {
            return false;
        }

        @Override
        public void add(Sha256 key) {
        }
    };

    /** Whether the text of {@code key} passed the schema before. */
    boolean contains(Sha256 key);

    /** Remembers that the text of {@code key} passed the schema. */
    void add(Sha256 key);

    /** The key of {@code text} under the bundled schema. */
    static Sha256 key(String text) {
        return SchemaKey.of(text);
    }
}
