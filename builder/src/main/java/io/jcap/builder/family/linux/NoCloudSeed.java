package io.jcap.builder.family.linux;

import io.jcap.builder.api.CloudInitData;
import io.jcap.formats.iso9660.IsoVolume;
import io.jcap.formats.iso9660.IsoWriter;
import io.jcap.host.OwnerOnly;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A NoCloud seed for one run: {@code user-data}, {@code meta-data} and {@code network-config} in an
 * ISO 9660 volume labelled {@code cidata}, written by jcap itself (no host tool), owner-only since
 * user-data may hold secrets. The guest init finds it by its label.
 */
final class NoCloudSeed {
    static final String FILE = "seed.iso";
    static final String LABEL = "cidata";

    private NoCloudSeed() {
    }

    /** The seed's volume; the files are read now, so that a missing one fails before the guest starts. */
    static IsoVolume of(CloudInitData data, String imageName) throws JcapException {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("user-data", read(data.userData(), "--user-data"));
        files.put("meta-data", data.metaData().isPresent() ? read(data.metaData().get(), "--meta-data")
                : ("instance-id: " + imageName + "\n").getBytes(StandardCharsets.UTF_8));
        if (data.networkConfig().isPresent()) {
            files.put("network-config", read(data.networkConfig().get(), "--network-config"));
        }
        return new IsoVolume(LABEL, files);
    }

    /** Writes the seed into the run's folder; its path. */
    static Path write(IsoVolume seed, Path dir) throws JcapException {
        Path file = dir.resolve(FILE);
        try {
            OwnerOnly.write(file, IsoWriter.write(seed));
        } catch (IOException e) {
            throw new JcapException("cannot write the cloud-init seed " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    private static byte[] read(Path file, String option) throws JcapException {
        try {
            if (Files.size(file) > CloudInitData.MAX_FILE) {
                throw new JcapException(option + " " + file + " has " + Files.size(file) + " bytes; the guest reads at"
                        + " most " + CloudInitData.MAX_FILE);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new JcapException(option + " " + file + ": no such file");
        } catch (IOException e) {
            throw new JcapException(option + " " + file + ": cannot read it: " + e.getMessage(), e);
        }
    }
}
