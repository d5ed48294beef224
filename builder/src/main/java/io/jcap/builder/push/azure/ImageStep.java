package io.jcap.builder.push.azure;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The managed-image step of an Azure push: its name checked before the blob is uploaded (an
 * existing image is refused without {@code --replace}, so that nothing is sent in vain), then,
 * once the blob is complete, the older image deleted (a resource group has one image of a name)
 * and the new one made. A creation that fails deletes what Azure left of it.
 */
final class ImageStep {
    private final ManagedImagePlan plan;
    private final ManagedImages images;
    private final Optional<String> older;

    private ImageStep(ManagedImagePlan plan, ManagedImages images, Optional<String> older) {
        this.plan = plan;
        this.images = images;
        this.older = older;
    }

    /**
     * Looks the image's name up.
     *
     * @throws JcapException when an image of the name exists and {@code replace} is false, naming its ID
     */
    static ImageStep check(ManagedImagePlan plan, ManagedImages images, boolean replace)
            throws JcapException, InterruptedException {
        Optional<String> older = images.existing(plan);
        if (older.isPresent() && !replace) {
            throw new JcapException("resource group '" + plan.resourceGroup() + "' has an image named '" + plan.name()
                    + "' already: " + older.get() + "; push with --replace to replace it, or pick another --image-name");
        }
        return new ImageStep(plan, images, older);
    }

    /** What the step would do, for a dry run. */
    static List<String> dryRun(ManagedImagePlan plan, String blobUrl, String armEndpoint, boolean replace) {
        return List.of("then managed image " + plan.resourceId() + " in " + plan.location() + " (Linux, generalized,"
                        + " Hyper-V generation " + plan.generation() + ") from " + blobUrl + " through Azure Resource"
                        + " Manager at " + armEndpoint + " with DefaultAzureCredential",
                replace ? "deleting an image of that name first (a resource group holds one image of a name)"
                        : "refusing if the resource group has an image of that name (--replace deletes it first)");
    }

    /** The ID of the image this push deletes, if any. */
    Optional<String> replaced() {
        return older;
    }

    /**
     * Deletes the older image, if any, and makes the new one from {@code blobUrl}.
     *
     * @return the new image's ID
     */
    String make(String blobUrl, Map<String, String> tags, EventSink events) throws JcapException, InterruptedException {
        if (older.isPresent()) {
            images.delete(plan, events);
        }
        boolean made = false;
        try {
            String id = images.create(plan, blobUrl, tags, events);
            made = true;
            return id;
        } finally {
            if (!made) {
                deleteQuietly(events);
            }
        }
    }

    private void deleteQuietly(EventSink events) throws InterruptedException {
        try {
            if (images.existing(plan).isPresent()) {
                images.delete(plan, events);
            }
        } catch (JcapException e) {
            events.warn("Could not delete the managed image a failed push left: " + plan.resourceId() + ": " + e.getMessage());
        }
    }
}
