package io.jcap.builder.family.linux;

import io.jcap.builder.api.GuestCommandLine;
import io.jcap.builder.compose.TreeManifest;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import io.jcap.model.VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Refuses a run's {@code --cmd} whose program the image does not hold, and a volume's folder it
 * does not hold, before anything boots:
 * the image's tree manifest ({@code image.tree}, written by every Linux build) lists its files.
 * Without that check a typo cost a boot and ended in the init's {@code JCAP-ERROR exec ...}.
 *
 * <p>Only what the manifest settles is refused: a path through a symbolic link is resolved by
 * the guest, so it goes to the guest as before; so does every command of an image without a
 * manifest (one pulled from a registry, or built by an older jcap). What the program needs to
 * start (its #! interpreter, its ELF loader) is not in the manifest: the guest's init names it
 * when exec fails.
 */
final class RunCommandCheck {
    private static final GuestPath TMP = GuestPath.of("/tmp");

    private RunCommandCheck() {
    }

    /**
     * Refuses a volume ({@code --volume}) whose folder the image lacks or holds as a file: the
     * root file system is read-only, so the guest could not make the folder. A folder under
     * {@code /tmp} (made again on its tmpfs) or through a symbolic link is left to the guest.
     */
    static void checkVolumes(ImageRepository.StoredImage image, List<VolumeMount> volumes) throws JcapException {
        Optional<TreeManifest> manifest = volumes.isEmpty() ? Optional.empty() : manifest(image);
        if (manifest.isEmpty()) {
            return;
        }
        String name = image.metadata().name();
        for (VolumeMount volume : volumes) {
            GuestPath path = GuestPath.of(volume.guestFolder());
            if (path.equals(TMP) || path.ancestors().contains(TMP) || throughLink(manifest.get(), path)) {
                continue;
            }
            TreeManifest.Fingerprint entry = manifest.get().entries().get(path);
            if (entry == null) {
                throw new JcapException("--volume " + volume + ": image '" + name + "' has no folder " + path
                        + " to mount it on (its root file system is read-only): add an empty folder " + path
                        + " to its files (ROOTFS" + path + " in the project) and build it again");
            }
            if (entry.type() != 'd') {
                throw new JcapException("--volume " + volume + ": " + path + " is a file in image '" + name
                        + "', not a folder to mount a volume on");
            }
        }
    }

    static void check(ImageRepository.StoredImage image, Optional<String> cmd) throws JcapException {
        if (cmd.isEmpty()) {
            return;
        }
        String program;
        GuestPath path;
        try {
            program = GuestCommandLine.words(cmd.get()).get(0);
            if (!program.startsWith("/")) {
                return;
            }
            path = GuestPath.of(program);
        } catch (IllegalArgumentException e) {
            return;   // the settings' own check says what is wrong with the command line
        }
        Optional<TreeManifest> read = manifest(image);
        if (read.isEmpty()) {
            return;
        }
        TreeManifest manifest = read.get();
        if (throughLink(manifest, path)) {
            return;
        }
        String name = image.metadata().name();
        TreeManifest.Fingerprint entry = manifest.entries().get(path);
        if (entry == null) {
            throw new JcapException("--cmd: " + program + " is not in image '" + name + "' (its files: jcap images ls "
                    + name + " " + nearestFolder(manifest, path) + ")");
        }
        if (entry.type() == 'd') {
            throw new JcapException("--cmd: " + program + " is a folder in image '" + name + "', not a program");
        }
        if ((entry.mode() & 0111) == 0) {
            throw new JcapException("--cmd: " + program + " is not executable in image '" + name + "' (mode "
                    + Integer.toOctalString(entry.mode()) + ")");
        }
    }

    /** The deepest folder above {@code path} that the image has: where to start looking. */
    private static GuestPath nearestFolder(TreeManifest manifest, GuestPath path) {
        GuestPath folder = path.parent();
        while (!folder.isRoot() && !manifest.entries().containsKey(folder)) {
            folder = folder.parent();
        }
        return folder;
    }

    /** The image's tree manifest; empty without one, or when it cannot be read (the guest then says what it finds). */
    private static Optional<TreeManifest> manifest(ImageRepository.StoredImage image) {
        Path file = image.folder().resolve(TreeManifest.FILE);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(TreeManifest.read(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code path} or a folder above it is a symbolic link in the image: only the guest resolves it. */
    private static boolean throughLink(TreeManifest manifest, GuestPath path) {
        return isLink(manifest, path) || path.ancestors().stream().anyMatch(folder -> isLink(manifest, folder));
    }

    private static boolean isLink(TreeManifest manifest, GuestPath path) {
        TreeManifest.Fingerprint entry = manifest.entries().get(path);
        return entry != null && entry.type() == 'l';
    }
}
