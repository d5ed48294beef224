package io.jcap.kernels;

import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the guest init needs to load a kernel's stored modules by the devices present, in the
 * formats of {@code depmod}'s files ({@code docs/guest-protocol.md}, "Modules"):
 * {@code modules.alias} ({@code alias <pattern> <module>} lines, from each module's modinfo) and
 * {@code modules.dep} ({@code <file>: <file> ...}, every module's dependencies, all of them,
 * in the order to load them). Debian's packages ship neither: {@code depmod} makes them at install.
 *
 * <pre>{@code
 * ModuleIndex index = ModuleIndex.of(kernel);
 * index.aliasFile(); // "alias virtio:d00000001v* virtio_net\n..."
 * }</pre>
 *
 * @param aliases {@code pattern module} pairs, in load order of the modules
 * @param dependencies each module file's dependencies, as files, in the order to load them
 */
record ModuleIndex(List<Alias> aliases, Map<String, List<String>> dependencies, List<String> files) {
    /** One line of {@code modules.alias}. */
    record Alias(String pattern, String module) {
        Alias {
            if (pattern.isEmpty() || pattern.chars().anyMatch(c -> c <= ' ') || module.chars().anyMatch(c -> c <= ' ')) {
                throw new IllegalArgumentException("bad module alias '" + pattern + "' of " + module);
            }
        }
    }

    ModuleIndex {
        aliases = List.copyOf(aliases);
        dependencies = Map.copyOf(dependencies);
        files = List.copyOf(files);
    }

    /** The index of a kernel's stored modules (none for a kernel without modules). */
    static ModuleIndex of(Kernel kernel) throws JcapException {
        Map<String, String> fileOf = new HashMap<>();
        for (Path module : kernel.modules()) {
            String file = module.getFileName().toString();
            fileOf.put(KernelModules.moduleName(file), file);
        }
        List<Alias> aliases = new ArrayList<>();
        Map<String, List<String>> direct = new HashMap<>();
        for (Path module : kernel.modules()) {
            String file = module.getFileName().toString();
            String name = KernelModules.moduleName(file);
            try {
                for (String pattern : KernelModules.aliases(module)) {
                    if (pattern.chars().noneMatch(c -> c <= ' ')) {
                        aliases.add(new Alias(pattern, name));
                    }
                }
                List<String> needs = new ArrayList<>();
                for (String dependency : KernelModules.depends(module)) {
                    // A dependency that is not stored is built into the kernel.
                    if (fileOf.containsKey(dependency)) {
                        needs.add(fileOf.get(dependency));
                    }
                }
                direct.put(file, needs);
            } catch (IOException e) {
                throw new JcapException("cannot read the modinfo of kernel module " + module + ": " + e.getMessage(), e);
            }
        }
        List<String> order = kernel.loadOrder();
        Map<String, List<String>> all = new HashMap<>();
        for (String file : order) {
            Set<String> closure = new LinkedHashSet<>();
            collect(file, direct, closure);
            closure.remove(file);
            all.put(file, order.stream().filter(closure::contains).toList());
        }
        return new ModuleIndex(aliases, all, order);
    }

    private static void collect(String file, Map<String, List<String>> direct, Set<String> closure) {
        if (closure.add(file)) {
            for (String dependency : direct.getOrDefault(file, List.of())) {
                collect(dependency, direct, closure);
            }
        }
    }

    /** {@code modules.alias}: {@code alias <pattern> <module>} a line. */
    String aliasFile() {
        StringBuilder text = new StringBuilder();
        for (Alias alias : aliases) {
            text.append("alias ").append(alias.pattern()).append(' ').append(alias.module()).append('\n');
        }
        return text.toString();
    }

    /** {@code modules.dep}: {@code <file>: <dependency files in load order>} a line, in load order. */
    String depFile() {
        StringBuilder text = new StringBuilder();
        for (String file : files) {
            text.append(file).append(':');
            for (String dependency : dependencies.get(file)) {
                text.append(' ').append(dependency);
            }
            text.append('\n');
        }
        return text.toString();
    }
}
