package io.jcap.builder.push;

import io.jcap.host.HostTool;
import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The SHA-256 and SHA-512 of a file being pushed, computed beside the upload by {@code sha256sum}
 * and {@code sha512sum} in their own processes (a Java digest when they cannot be started): under
 * jcap's client compiler a Java SHA-512 reads ~100 MB/s and would hold the upload back, while the
 * tools read several hundred MB/s on the other core.
 *
 * <pre>{@code
 * FileSums sums = FileSums.start(file);
 * upload(file);
 * FileSums.Sums s = sums.await();   // s.sha512() to compare with what the target stored
 * }</pre>
 */
public final class FileSums {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final Path file;
    private final HostTool.Running sha256;
    private final HostTool.Running sha512;

    /**
     * The digests of a file.
     *
     * @param sha512 128 lower-case hex digits
     */
    public record Sums(Sha256 sha256, String sha512) {
    }

    private FileSums(Path file, HostTool.Running sha256, HostTool.Running sha512) {
        this.file = file;
        this.sha256 = sha256;
        this.sha512 = sha512;
    }

    /** Starts digesting {@code file}. */
    public static FileSums start(Path file) {
        return new FileSums(file, started("sha256sum", file), started("sha512sum", file));
    }

    /** Waits for the digests. */
    public Sums await() throws JcapException {
        String hex256 = sum(sha256, "SHA-256", 64);
        String hex512 = sum(sha512, "SHA-512", 128);
        return new Sums(new Sha256(hex256), hex512);
    }

    /**
     * Waits for the digests and checks the SHA-256 against {@code recorded}, the repository's record
     * of the file at build time.
     *
     * @throws JcapException naming both digests when the file changed since its build
     */
    public Sums awaitUnchanged(Sha256 recorded) throws JcapException {
        Sums sums = await();
        if (!sums.sha256().equals(recorded)) {
            throw new JcapException("image file " + file + " changed since it was built (its SHA-256 is " + sums.sha256()
                    + ", the repository recorded " + recorded + "): build it again");
        }
        return sums;
    }

    /** Stops the digests of a push that failed. */
    public void stop() {
        for (HostTool.Running running : new HostTool.Running[] {sha256, sha512}) {
            if (running != null) {
                running.stop();
            }
        }
    }

    private static HostTool.Running started(String tool, Path file) {
        try {
            return HostTool.start(List.of(tool, "--", file.toAbsolutePath().toString()), file.toAbsolutePath().getParent());
        } catch (EnvironmentException e) {
            return null;
        }
    }

    private String sum(HostTool.Running running, String algorithm, int digits) throws JcapException {
        if (running != null) {
            HostTool.Result result = running.await(TIMEOUT);
            String out = result.stdout();
            if (result.exitCode() == 0 && out.length() > digits && out.substring(0, digits).matches("[0-9a-f]+")) {
                return out.substring(0, digits);
            }
        }
        return javaSum(algorithm);
    }

    private String javaSum(String algorithm) throws JcapException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new JcapException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has " + algorithm, e);
        }
    }
}
