package io.jcap.builder;

import io.jcap.builder.api.ImageFile;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.model.EventSink;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import java.util.List;

/**
 * Looks inside a stored image without booting it ({@code jcap images ls}): OSv ROFS images
 * through jcap's ROFS reader, Linux ext4/ext2 images through e2fsprogs' {@code debugfs}, each on
 * a temporary raw copy of the image that is deleted afterwards.
 *
 * <pre>{@code
 * List<ImageFile> files = new ImageFiles(home, events).list("hello", GuestPath.of("/app"));
 * }</pre>
 */
public final class ImageFiles {
    private final JcapHome home;
    private final EventSink events;

    public ImageFiles(JcapHome home, EventSink events) {
        this.home = home;
        this.events = events;
    }

    /** {@code path} and, for a folder, everything under it, in guest-path order. */
    public List<ImageFile> list(String imageName, GuestPath path) throws JcapException, InterruptedException {
        ImageRepository.StoredImage image = new ImageRepository(home.images()).get(imageName);
        return KernelFamilies.forImage(image.metadata()).files(home, events, image, path);
    }
}
