package io.jcap.hypervisor;

import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The drivers on the class path, by name.
 *
 * <p>jcap's own drivers are the lines of this module's
 * {@code META-INF/services/io.jcap.hypervisor.DriverProvider}, read from this module's jar (or
 * classes folder) alone. {@link ServiceLoader} reads that file from every jar of the class path,
 * and asking 78 jars for it cost about 20 ms of each {@code jcap run}'s start; so the class path is
 * searched only for a name none of jcap's own drivers has (a driver in a jar of its own).
 *
 * <pre>{@code
 * Driver qemu = Drivers.named("qemu", new DriverSettings(cacheDir, Optional.empty()));
 * }</pre>
 */
public final class Drivers {
    static final String SERVICES = "META-INF/services/" + DriverProvider.class.getName();

    private Drivers() {
    }

    /** The names of all drivers, sorted. */
    public static List<String> names() {
        return all().stream().map(DriverProvider::name).distinct().sorted().toList();
    }

    /** The driver called {@code name}; creating it does not touch the hypervisor yet. */
    public static Driver named(String name, DriverSettings settings) throws JcapException {
        for (DriverProvider provider : own()) {
            if (provider.name().equals(name)) {
                return provider.create(settings);
            }
        }
        for (DriverProvider provider : classPath()) {
            if (provider.name().equals(name)) {
                return provider.create(settings);
            }
        }
        throw new JcapException("there is no hypervisor driver called '" + name + "'; the drivers are "
                + String.join(", ", names()));
    }

    private static List<DriverProvider> all() {
        List<DriverProvider> all = new ArrayList<>(own());
        all.addAll(classPath());
        return all;
    }

    private static List<DriverProvider> classPath() {
        return ServiceLoader.load(DriverProvider.class, Drivers.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList();
    }

    /** The providers listed in this module's own services file, in its order. */
    static List<DriverProvider> own() {
        List<DriverProvider> providers = new ArrayList<>();
        for (String className : providerNames(ownServices())) {
            try {
                providers.add(Class.forName(className, true, Drivers.class.getClassLoader())
                        .asSubclass(DriverProvider.class).getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new IllegalStateException("driver provider " + className + " listed in " + SERVICES
                        + " cannot be made: " + e, e);
            }
        }
        return providers;
    }

    /** The class names of a services file: one a line, {@code #} starting a comment. */
    static List<String> providerNames(String text) {
        List<String> names = new ArrayList<>();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            String name = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * This module's services file, from the jar or folder this class was loaded from; empty when it
     * cannot be read there (a class loader that gives no file location), which leaves the drivers
     * to {@link ServiceLoader}.
     */
    private static String ownServices() {
        java.security.CodeSource source = Drivers.class.getProtectionDomain().getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location == null || !"file".equals(location.getProtocol())) {
            return "";
        }
        try {
            Path where = Path.of(location.toURI());
            if (Files.isDirectory(where)) {
                Path file = where.resolve(SERVICES);
                return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            }
            try (JarFile jar = new JarFile(where.toFile())) {
                ZipEntry entry = jar.getEntry(SERVICES);
                if (entry == null) {
                    return "";
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            return "";
        }
    }
}
