package io.jcap.builder.push.azure;

import io.jcap.builder.push.PushRequest;
import io.jcap.model.JcapException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The managed image a push makes from its page blob, when {@code --resource-group} is given: where
 * it goes in Azure Resource Manager and its Hyper-V generation, checked before anything is sent.
 *
 * <pre>{@code
 * Optional<ManagedImagePlan> image = ManagedImagePlan.of(request, System.getenv());
 * image.get().resourceId();   // /subscriptions/.../resourceGroups/web/providers/Microsoft.Compute/images/hello
 * }</pre>
 *
 * @param subscription the subscription's ID (a GUID)
 * @param resourceGroup the resource group the image goes into; it must exist
 * @param location the Azure region, as ARM names it ({@code westeurope}); the blob's storage account must be there
 * @param name the image's name
 * @param generation {@code V1} (BIOS) or {@code V2} (UEFI)
 */
record ManagedImagePlan(String subscription, String resourceGroup, String location, String name, String generation) {
    /** The options that only make sense with {@code --resource-group}. */
    static final List<String> OPTIONS = List.of("location", "image-name", "hyper-v-generation", "subscription");
    private static final String GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

    /**
     * The managed image {@code request} asks for, if any; the subscription from {@code --subscription},
     * else {@code AZURE_SUBSCRIPTION_ID} of {@code env}.
     *
     * @throws JcapException naming the option and value that is wrong and what is allowed
     */
    static Optional<ManagedImagePlan> of(PushRequest request, Map<String, String> env) throws JcapException {
        Optional<String> group = request.option("resource-group");
        if (group.isEmpty()) {
            for (String option : OPTIONS) {
                if (request.option(option).isPresent()) {
                    throw JcapException.usage("--" + option + " is for the managed image, which needs --resource-group"
                            + " NAME too (and --location)");
                }
            }
            return Optional.empty();
        }
        if (!group.get().matches("[-\\w.()]{0,89}[-\\w()]")) {
            throw JcapException.usage("--resource-group '" + group.get() + "' is not a resource group name: 1 to 90 letters,"
                    + " digits, '_', '-', '.', '(' and ')', not ending with '.'");
        }
        String location = request.option("location").orElseThrow(() -> JcapException.usage(
                "a managed image needs --location REGION: the Azure region of the storage account (e.g. westeurope)"));
        if (!location.matches("[a-z][a-z0-9]{1,39}")) {
            throw JcapException.usage("--location '" + location + "' is not an Azure region name as Resource Manager"
                    + " writes it: lower-case letters and digits, e.g. westeurope, eastus2 (az account list-locations)");
        }
        String name = request.option("image-name").orElse(request.remoteName());
        if (!name.matches("[A-Za-z0-9]([-\\w.]{0,78}\\w)?")) {
            throw JcapException.usage((request.option("image-name").isPresent() ? "--image-name" : "--name") + " '" + name
                    + "' is not a managed image name: 1 to 80 letters, digits, '_', '-' and '.', starting with a letter or"
                    + " digit and ending with a letter, digit or '_'");
        }
        String subscription = request.option("subscription")
                .or(() -> Optional.ofNullable(env.get("AZURE_SUBSCRIPTION_ID")).filter(s -> !s.isBlank()))
                .orElseThrow(() -> new JcapException("a managed image needs the subscription: give --subscription ID or"
                        + " set AZURE_SUBSCRIPTION_ID (az account show --query id)"));
        if (!subscription.matches(GUID)) {
            throw new JcapException("subscription '" + subscription + "' is not a subscription ID: a GUID like"
                    + " 00000000-0000-0000-0000-000000000000 (az account show --query id)");
        }
        String generation = request.option("hyper-v-generation")
                .orElse(request.image().metadata().bootsUnderUefi() ? "V2" : "V1");
        if (!generation.equals("V1") && !generation.equals("V2")) {
            throw JcapException.usage("--hyper-v-generation '" + generation + "' is not a Hyper-V generation: V1 (BIOS)"
                    + " or V2 (UEFI)");
        }
        if (generation.equals("V2") && !request.image().metadata().bootsUnderUefi()) {
            throw JcapException.usage("--hyper-v-generation V2 boots under UEFI, which image '" + request.image().metadata().name()
                    + "' cannot (only Linux images built with an EFI system partition can): use V1");
        }
        return Optional.of(new ManagedImagePlan(subscription.toLowerCase(java.util.Locale.ROOT), group.get(), location,
                name, generation));
    }

    /** The image's ID in Azure Resource Manager. */
    String resourceId() {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Compute/images/" + name;
    }
}
