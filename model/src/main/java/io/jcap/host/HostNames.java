package io.jcap.host;

import io.jcap.model.GuestPath;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * Host file names as guest names. The JVM decodes a host name's bytes with its {@code
 * sun.jnu.encoding} (set from the locale at its start), putting U+FFFD for bytes it cannot decode;
 * the guest gets the name encoded as UTF-8. So a name that is not UTF-8 ({@code x\xff}), or any
 * name but ASCII under a locale that is not UTF-8 ({@code LANG=C}), would reach the guest mangled,
 * and two such names as one: they are refused instead.
 *
 * <pre>{@code
 * GuestPath guest = HostNames.guestPath(rootfs, rootfs.resolve("etc/app.conf"), GuestPath.ROOT); // /etc/app.conf
 * }</pre>
 */
public final class HostNames {
    private static final Charset JNU = jnuCharset();

    private HostNames() {
    }

    /**
     * The guest path of {@code file}, a file under {@code base}, at {@code at}: name by name, so
     * that a backslash (a legal byte of a Linux name) stays in its name.
     *
     * @throws FileSystemException naming {@code file} when one of its names does not survive decoding
     */
    public static GuestPath guestPath(Path base, Path file, GuestPath at) throws FileSystemException {
        // One resolve for the whole relative path, not one per name: each resolve reads the path
        // it makes, so name by name a file at depth d cost d^2 and a deep tree's walk d^3. A host's
        // names are never empty, "." or "..", nor hold a slash, so joining them changes none.
        StringBuilder relative = new StringBuilder();
        for (Path name : base.relativize(file)) {
            String text = name.toString();
            if (!text.isEmpty()) {
                checkUtf8(file, text, "its name");
                relative.append(relative.isEmpty() ? "" : "/").append(text);
            }
        }
        return relative.isEmpty() ? at : at.resolve(relative.toString());
    }

    /**
     * The guest path of {@code file}, an entry of the host folder whose guest path is {@code
     * folder}: a walk that keeps each folder's guest path makes its entries' paths from their own
     * names alone.
     *
     * @throws FileSystemException naming {@code file} when its name does not survive decoding
     */
    public static GuestPath child(GuestPath folder, Path file) throws FileSystemException {
        String name = file.getFileName().toString();
        checkUtf8(file, name, "its name");
        return folder.child(name);
    }

    /**
     * Refuses {@code text}, read from the host as part of {@code file} ({@code what}: its name, its
     * link target), when it is not the bytes the host holds read as UTF-8.
     */
    public static void checkUtf8(Path file, String text, String what) throws FileSystemException {
        checkUtf8(file, text, what, JNU);
    }

    /** The same, for a JVM whose {@code sun.jnu.encoding} is {@code jnu} (tests try other locales' charsets). */
    static void checkUtf8(Path file, String text, String what, Charset jnu) throws FileSystemException {
        if (text.indexOf('\uFFFD') < 0 && survives(text, jnu)) {
            return;
        }
        String why = jnu.equals(StandardCharsets.UTF_8) ? " is not valid UTF-8: names must be UTF-8 (the guest's"
                + " names are); rename it"
                : " does not read as UTF-8 here: this JVM decodes names as " + jnu.name() + " (sun.jnu.encoding, from"
                        + " the locale); names must be UTF-8 and the locale a UTF-8 one (e.g. LANG=C.UTF-8)";
        throw new FileSystemException(file.toString(), null, what + why);
    }

    /** Whether the host's bytes of {@code text} (its encoding back in {@code jnu}) read as UTF-8 give it again. */
    private static boolean survives(String text, Charset jnu) {
        if (jnu.equals(StandardCharsets.UTF_8)) {
            return true;
        }
        try {
            ByteBuffer raw = jnu.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text));
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(raw).toString().equals(text);
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static Charset jnuCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }
}
