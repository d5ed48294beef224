package io.jcap.builder.push;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.util.List;

/**
 * A place images are pushed to, such as an OpenStack cloud's Glance. Implementations live in a
 * package of their own under {@code io.jcap.builder.push}, are listed in
 * {@code META-INF/services/io.jcap.builder.push.PushTarget} and found by {@link #name()} through
 * {@link PushTargets}.
 *
 * <pre>{@code
 * PushTarget target = PushTargets.named("openstack");
 * PushRequest request = PushRequest.of(image, "openstack").withOption("cloud", "mycloud");
 * PushResult result = target.push(request, events);
 * }</pre>
 *
 * <p>Secrets a target reads (passwords, tokens) never appear in its messages, events or results.
 */
public interface PushTarget {
    /** The name users pick it by ({@code jcap push IMAGE NAME}). */
    String name();

    /**
     * Whether {@code destination}, as the user gave it after the image, means this target: its name,
     * or for a target reached by address (a registry reference) an address of its kind.
     */
    default boolean accepts(String destination) {
        return name().equals(destination);
    }

    /** How a user names it after the image, for messages listing the targets: its name, or the form of its addresses. */
    default String destination() {
        return name();
    }

    /** One line on what it pushes to, for the list of targets. */
    String summary();

    /** The options it takes besides the remote name and {@code --replace}, by name without dashes. */
    List<TargetOption> options();

    /**
     * What {@link #push} would send where, in lines for a person to read; contacts nothing.
     *
     * @throws JcapException when the request could not be pushed (a bad option, missing credentials)
     */
    List<String> dryRun(PushRequest request) throws JcapException;

    /**
     * Pushes the image, reporting the bytes sent through {@link EventSink#progress}; on any failure
     * it leaves nothing half-made behind at the target.
     *
     * @throws JcapException exit code 1 when the target refused the request (credentials, an
     *     existing name, a quota), 3 when it could not be reached
     */
    PushResult push(PushRequest request, EventSink events) throws JcapException, InterruptedException;
}
