package io.jcap.hypervisor;

import io.jcap.model.JcapException;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The drivers on the class path, by name.
 *
 * <pre>{@code
 * Driver qemu = Drivers.named("qemu", new DriverSettings(cacheDir, Optional.empty()));
 * }</pre>
 */
public final class Drivers {
    private Drivers() {
    }

    /** The names of all drivers, sorted. */
    public static List<String> names() {
        return providers().stream().map(DriverProvider::name).sorted().toList();
    }

    /** The driver called {@code name}; creating it does not touch the hypervisor yet. */
    public static Driver named(String name, DriverSettings settings) throws JcapException {
        for (DriverProvider provider : providers()) {
            if (provider.name().equals(name)) {
                return provider.create(settings);
            }
        }
        throw new JcapException("there is no hypervisor driver called '" + name + "'; the drivers are "
                + String.join(", ", names()));
    }

    private static List<DriverProvider> providers() {
        return ServiceLoader.load(DriverProvider.class, Drivers.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList();
    }
}
