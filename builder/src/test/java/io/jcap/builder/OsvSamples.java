package io.jcap.builder;

import io.jcap.builder.api.JcapHome;
import io.jcap.kernels.KernelStore;
import io.jcap.kernels.osv.OsvKernelImporter;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.testsupport.OsvLoaders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A jcap home whose kernel store holds a synthetic OSv loader ({@link OsvLoaders}). */
public final class OsvSamples {
    private OsvSamples() {
    }

    /** A jcap home in {@code dir} whose kernel store holds {@link OsvLoaders#loader()} as {@code name}. */
    public static JcapHome homeWithLoader(Path dir, String name) throws IOException, JcapException {
        return homeWithLoader(dir, name, OsvLoaders.loader());
    }

    /** A jcap home in {@code dir} whose kernel store holds {@code loader} as {@code name}. */
    public static JcapHome homeWithLoader(Path dir, String name, byte[] loader) throws IOException, JcapException {
        JcapHome home = new JcapHome(dir);
        Path file = Files.write(Files.createDirectories(dir.resolve("downloads")).resolve("osv-loader.qemu"), loader);
        new OsvKernelImporter().importFile(file, Optional.of(name), new KernelStore(home.kernels()), EventSink.NONE);
        return home;
    }
}
