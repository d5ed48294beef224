package io.jcap.builder.push;

import java.util.Objects;

/**
 * An option a {@link PushTarget} takes, such as OpenStack's {@code cloud}.
 *
 * @param name the option's name without dashes ({@code cloud} for {@code --cloud})
 * @param repeatable whether it may be given more than once ({@code --property K=V})
 * @param description one line for the list of targets
 */
public record TargetOption(String name, boolean repeatable, String description) {
    public TargetOption {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
    }
}
