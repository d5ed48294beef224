package io.jcap.builder.api;

import io.jcap.builder.repository.ImageName;
import io.jcap.hypervisor.Accelerator;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What to build.
 *
 * @param projectDir the folder holding the Capstanfile
 * @param name the image name; empty for the project folder's name
 * @param accelerator the builder VM's accelerator; empty to probe (KVM only when it really works)
 * @param force build even when an image with the same inputs exists
 */
public record BuildRequest(Path projectDir, Optional<String> name, Optional<Accelerator> accelerator, boolean force) {
    public BuildRequest {
        Objects.requireNonNull(projectDir, "projectDir");
        name.ifPresent(ImageName::check);
    }

    /** A plain build of a folder with every default. */
    public static BuildRequest of(Path projectDir) {
        return new BuildRequest(projectDir, Optional.empty(), Optional.empty(), false);
    }
}
