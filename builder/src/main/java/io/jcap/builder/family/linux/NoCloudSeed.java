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

    /**
     * The file's bytes, at most the guest's limit: read with a bound, since a pipe
     * ({@code --user-data <(...)}) has no size to check first and could be endless.
     */
    private static byte[] read(Path file, String option) throws JcapException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(CloudInitData.MAX_FILE + 1);
            if (bytes.length > CloudInitData.MAX_FILE) {
                long size = Files.isRegularFile(file) ? Files.size(file) : -1;
                throw new JcapException(option + " " + file + (size >= 0 ? " has " + size + " bytes" : " has more than "
                        + CloudInitData.MAX_FILE + " bytes") + "; the guest reads at most " + CloudInitData.MAX_FILE);
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new JcapException(option + " " + file + ": no such file");
        } catch (IOException e) {
            throw new JcapException(option + " " + file + ": cannot read it: " + e.getMessage(), e);
        }
    }
}
