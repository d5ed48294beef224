package io.jcap.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A SHA-256 digest as 64 lower-case hex digits. */
public record Sha256(String hex) {
    public Sha256 {
        if (!isHex(hex)) {
            throw new IllegalArgumentException("not a SHA-256 (64 lower-case hex digits): " + hex);
        }
    }

    /** 64 lower-case hex digits, by hand: a regular expression's match cost a rebuild of 20 000 files 5%. */
    private static boolean isHex(String text) {
        if (text == null || text.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    // equals and hashCode are written out (the same as the record's own) because a record's are
    // linked through ObjectMethods at their first call, 1-10 ms of every command's start
    // (docs/benchmarks-mini.md).
    @Override
    public boolean equals(Object o) {
        return o instanceof Sha256 other && hex.equals(other.hex);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }

    /** Parses user input, accepting upper case. */
    public static Sha256 parse(String text) {
        return new Sha256(text.trim().toLowerCase(java.util.Locale.ROOT));
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    public static Sha256 of(byte[] data) {
        return new Sha256(HexFormat.of().formatHex(newDigest().digest(data)));
    }

    public static Sha256 of(MessageDigest digest) {
        return new Sha256(HexFormat.of().formatHex(digest.digest()));
    }

    public static Sha256 of(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return of(digest);
    }

    /** Like {@link #of(Path)} for callers that cannot throw. */
    public static Sha256 ofUnchecked(Path file) {
        try {
            return of(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return hex;
    }
}
