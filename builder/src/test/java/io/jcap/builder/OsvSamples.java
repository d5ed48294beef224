package io.jcap.builder;

import io.jcap.kernels.KernelStore;
import io.jcap.kernels.osv.OsvKernelImporter;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A synthetic OSv loader image and a jcap home that holds it. */
final class OsvSamples {
    static final int LOADER_SIZE = 300 * 1024;

    private OsvSamples() {
    }

    /**
     * A 300 KiB loader image as OSv's build lays it out: boot sector (kernel-size field 8, 55 AA),
     * an ELF header at 64 KiB, patterned bytes after it. It cannot boot: tests look at layouts.
     */
    static byte[] loader() {
        byte[] image = new byte[LOADER_SIZE];
        image[0] = (byte) 0xEA;
        image[0x10] = 8;
        image[510] = 0x55;
        image[511] = (byte) 0xAA;
        image[65536] = 0x7F;
        image[65537] = 'E';
        image[65538] = 'L';
        image[65539] = 'F';
        for (int i = 65540; i < image.length; i++) {
            image[i] = (byte) (i * 13);
        }
        return image;
    }

    /** A jcap home in {@code dir} whose kernel store holds {@link #loader()} as {@code name}. */
    static JcapHome homeWithLoader(Path dir, String name) throws IOException, JcapException {
        JcapHome home = new JcapHome(dir);
        Path file = Files.write(Files.createDirectories(dir.resolve("downloads")).resolve("osv-loader.qemu"), loader());
        new OsvKernelImporter().importFile(file, Optional.of(name), new KernelStore(home.kernels()), EventSink.NONE);
        return home;
    }
}
