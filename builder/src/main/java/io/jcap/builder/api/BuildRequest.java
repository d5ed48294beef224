package io.jcap.builder.api;

import io.jcap.builder.repository.ImageName;
import io.jcap.hypervisor.Accelerator;
import io.jcap.model.FsType;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What to build.
 *
 * <pre>{@code
 * BuildRequest hdfs = BuildRequest.of(Path.of("hdfs")).withConfigSet(Optional.of("namenode"));
 * }</pre>
 *
 * @param projectDir the folder holding the Capstanfile (or a Capstan package's {@code meta/})
 * @param name the image name; empty for the project folder's name
 * @param accelerator the builder VM's accelerator; empty to probe (KVM only when it really works)
 * @param force build even when an image with the same inputs exists
 * @param configSet for a Capstan package: the named configuration the image boots by default,
 *     instead of its {@code config_set_default}; empty for the package's choice
 * @param from a container image to build from ({@code jcap build --from}), replacing the
 *     Capstanfile's {@code from:}; the folder then needs no Capstanfile
 * @param fileTime the time, in seconds since 1970, every file of a Linux image gets (a Maven
 *     project's {@code project.build.outputTimestamp}); empty for {@code SOURCE_DATE_EPOCH}, else 0
 * @param fs for a Capstan package: the file system of its OSv image, {@code rofs} or {@code zfs}
 *     ({@code capstan package compose --fs}); empty for jcap's default, {@code rofs}
 */
public record BuildRequest(Path projectDir, Optional<String> name, Optional<Accelerator> accelerator, boolean force,
                           Optional<String> configSet, Optional<String> from, OptionalLong fileTime,
                           Optional<FsType> fs) {
    public BuildRequest {
        Objects.requireNonNull(projectDir, "projectDir");
        name.ifPresent(ImageName::check);
        Objects.requireNonNull(configSet, "configSet");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(fileTime, "fileTime");
        Objects.requireNonNull(fs, "fs");
        // newc headers hold the time in 32 bits.
        if (fileTime.isPresent() && (fileTime.getAsLong() < 0 || fileTime.getAsLong() > 0xFFFFFFFFL)) {
            throw new IllegalArgumentException("file time " + fileTime.getAsLong() + " is not within 0..4294967295 s");
        }
    }

    /** A build that boots the package's own default configuration (or a Capstanfile project's command). */
    public BuildRequest(Path projectDir, Optional<String> name, Optional<Accelerator> accelerator, boolean force) {
        this(projectDir, name, accelerator, force, Optional.empty(), Optional.empty(), OptionalLong.empty(),
                Optional.empty());
    }

    /**
     * The image's name: the request's, else the project folder's ({@link ImageName#forFolder}: as
     * the shell names the folder, so from the folder as given, not made absolute by the JVM).
     */
    public String imageName() {
        return name.orElseGet(() -> ImageName.forFolder(projectDir));
    }

    /** A plain build of a folder with every default. */
    public static BuildRequest of(Path projectDir) {
        return new BuildRequest(projectDir, Optional.empty(), Optional.empty(), false);
    }

    public BuildRequest withConfigSet(Optional<String> value) {
        return new BuildRequest(projectDir, name, accelerator, force, value, from, fileTime, fs);
    }

    public BuildRequest withFrom(Optional<String> value) {
        return new BuildRequest(projectDir, name, accelerator, force, configSet, value, fileTime, fs);
    }

    public BuildRequest withFileTime(OptionalLong value) {
        return new BuildRequest(projectDir, name, accelerator, force, configSet, from, value, fs);
    }

    public BuildRequest withFs(Optional<FsType> value) {
        return new BuildRequest(projectDir, name, accelerator, force, configSet, from, fileTime, value);
    }
}
