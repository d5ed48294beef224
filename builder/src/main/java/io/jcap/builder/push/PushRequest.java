package io.jcap.builder.push;

import io.jcap.builder.repository.ImageRepository.StoredImage;
import io.jcap.model.JcapException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What to push where: a stored image, the name it gets at the target, whether it replaces an
 * image of that name, and the target's own options by name (without dashes).
 *
 * <pre>{@code
 * PushRequest request = PushRequest.of(image, "openstack")
 *         .withRemoteName("hello-1.2").withReplace(true)
 *         .withOption("cloud", "mycloud").withOption("property", "team=web");
 * }</pre>
 *
 * @param image the image from the local repository
 * @param target the target's name
 * @param remoteName the name at the target; the image's own name unless set
 * @param replace whether an image of that name at the target is replaced once the new one is there
 * @param options the target's options, each with its values in the order given
 * @param jcapVersion the version of jcap pushing, for targets that record it
 */
public record PushRequest(StoredImage image, String target, String remoteName, boolean replace,
                          Map<String, List<String>> options, String jcapVersion) {
    public PushRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(remoteName, "remoteName");
        if (remoteName.isBlank()) {
            throw new IllegalArgumentException("the remote name is empty: give --name a value");
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        options.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        options = Map.copyOf(copy);
        Objects.requireNonNull(jcapVersion, "jcapVersion");
    }

    /** A request to push {@code image} to {@code target} under its own name, without options. */
    public static PushRequest of(StoredImage image, String target) {
        return new PushRequest(image, target, image.metadata().name(), false, Map.of(), "unknown");
    }

    public PushRequest withRemoteName(String name) {
        return new PushRequest(image, target, name, replace, options, jcapVersion);
    }

    public PushRequest withReplace(boolean newReplace) {
        return new PushRequest(image, target, remoteName, newReplace, options, jcapVersion);
    }

    public PushRequest withJcapVersion(String version) {
        return new PushRequest(image, target, remoteName, replace, options, version);
    }

    /** This request with {@code value} added to option {@code name}. */
    public PushRequest withOption(String name, String value) {
        Map<String, List<String>> more = new LinkedHashMap<>(options);
        List<String> values = new ArrayList<>(more.getOrDefault(name, List.of()));
        values.add(value);
        more.put(name, values);
        return new PushRequest(image, target, remoteName, replace, more, jcapVersion);
    }

    /** The one value of option {@code name}, if given. */
    public Optional<String> option(String name) {
        List<String> values = options.getOrDefault(name, List.of());
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    /** Every value of option {@code name}, in the order given. */
    public List<String> optionValues(String name) {
        return options.getOrDefault(name, List.of());
    }

    /**
     * Refuses an image whose guest init loads virtio drivers only (built before guest protocol 3):
     * {@code cloud}'s virtual disks and network cards need others, and such an image would be
     * registered there and never boot.
     */
    public void requireDeviceDrivers(String cloud) throws JcapException {
        var m = image.metadata();
        if (!m.loadsDriversByDevice()) {
            throw new JcapException("image '" + m.name() + "' was built by an older jcap whose guest init loads virtio"
                    + " drivers only, and " + cloud + "'s virtual disks and network cards need others: build it again"
                    + " with jcap build");
        }
    }

    /**
     * Checks that {@code pushTarget} takes every option given, once unless repeatable.
     *
     * @throws JcapException naming the first option it does not take and those it does
     */
    public void checkOptionsOf(PushTarget pushTarget) throws JcapException {
        Map<String, TargetOption> known = pushTarget.options().stream()
                .collect(Collectors.toMap(TargetOption::name, o -> o));
        for (var entry : options.entrySet()) {
            TargetOption option = known.get(entry.getKey());
            if (option == null) {
                throw JcapException.usage("target " + pushTarget.name() + " takes no --" + entry.getKey() + ": its options are "
                        + (known.isEmpty() ? "none" : pushTarget.options().stream().map(o -> "--" + o.name())
                                .collect(Collectors.joining(", "))));
            }
            if (!option.repeatable() && entry.getValue().size() > 1) {
                throw JcapException.usage("--" + entry.getKey() + " is given " + entry.getValue().size()
                        + " times: target " + pushTarget.name() + " takes it once");
            }
        }
    }
}
