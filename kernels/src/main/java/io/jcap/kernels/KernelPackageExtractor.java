package io.jcap.kernels;

import io.jcap.formats.deb.DebPackage;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Takes a kernel and the few modules a guest needs out of a Debian {@code linux-image-*} package:
 * {@code /boot/vmlinuz-*}, {@code modules.builtin}, and the wanted modules that are not built in,
 * plus whatever those depend on (found in their modinfo; usually nothing more, else one more pass).
 */
final class KernelPackageExtractor {
    /** What was extracted: the kernel release, the image, and the modules in load order. */
    record Result(String release, Path vmlinuz, List<Path> modules, List<String> builtinSkipped, List<String> absent) {
        Result {
            modules = List.copyOf(modules);
            builtinSkipped = List.copyOf(builtinSkipped);
            absent = List.copyOf(absent);
        }
    }

    private KernelPackageExtractor() {
    }

    /**
     * @param wanted modules the guest needs: each must be a module of the package or built in
     * @param optional modules taken when the package has them as modules, else left out
     */
    static Result extract(DebPackage deb, List<String> wanted, List<String> optional, Path work, EventSink events)
            throws JcapException {
        Set<String> requested = new LinkedHashSet<>(wanted);
        requested.addAll(optional);
        List<DebPackage.Extracted> first = deb.extract(path -> path.matches("boot/vmlinuz-[^/]+")
                || KernelModules.isBuiltinList(path) || isModuleIn(path, requested), work, events, "the kernel and modules");
        Path vmlinuz = vmlinuz(deb, first);
        String release = vmlinuz.getFileName().toString().substring("vmlinuz-".length());
        Set<String> builtin = builtin(first, release);
        Map<String, Path> modules = new HashMap<>();
        collect(first, release, modules);

        Set<String> needed = new LinkedHashSet<>();
        wanted.stream().filter(m -> !builtin.contains(m)).forEach(needed::add);
        optional.stream().filter(modules::containsKey).forEach(needed::add);
        Map<String, List<String>> dependencies = new HashMap<>();
        Set<String> searched = new HashSet<>(requested);
        while (true) {
            Set<String> missing = new LinkedHashSet<>(needed);
            missing.removeAll(modules.keySet());
            if (!missing.isEmpty()) {
                Set<String> unsearched = new LinkedHashSet<>(missing);
                unsearched.removeAll(searched);
                if (unsearched.isEmpty()) {
                    throw new JcapException("kernel module " + missing.iterator().next() + " is neither built into "
                            + "nor shipped with " + deb.control().packageName() + " " + deb.control().version()
                            + " (" + deb.file() + "); jcap guests need it");
                }
                searched.addAll(unsearched);
                collect(deb.extract(path -> isModuleIn(path, unsearched), work, events, "the modules they depend on"),
                        release, modules);
                continue;
            }
            Set<String> more = new LinkedHashSet<>();
            for (String module : needed) {
                if (!dependencies.containsKey(module)) {
                    dependencies.put(module, depends(modules.get(module)).stream()
                            .filter(d -> !builtin.contains(d)).toList());
                }
                dependencies.get(module).stream().filter(d -> !needed.contains(d)).forEach(more::add);
            }
            if (more.isEmpty()) {
                break;
            }
            needed.addAll(more);
        }
        List<Path> ordered = new ArrayList<>();
        for (String module : KernelModules.loadOrder(List.copyOf(needed), dependencies)) {
            ordered.add(modules.get(module));
        }
        List<String> skipped = Stream.concat(wanted.stream(), optional.stream()).filter(builtin::contains).toList();
        List<String> absent = optional.stream().filter(m -> !builtin.contains(m) && !modules.containsKey(m)).toList();
        return new Result(release, vmlinuz, ordered, skipped, absent);
    }

    private static boolean isModuleIn(String path, Set<String> names) {
        return KernelModules.moduleOf(path).map(names::contains).orElse(false);
    }

    private static Path vmlinuz(DebPackage deb, List<DebPackage.Extracted> extracted) throws JcapException {
        List<Path> images = extracted.stream().filter(e -> e.path().startsWith("boot/vmlinuz-"))
                .map(DebPackage.Extracted::file).toList();
        if (images.size() != 1) {
            throw new JcapException(deb.file() + " holds " + images.size() + " kernel images (/boot/vmlinuz-*) "
                    + "instead of one: it is not a Linux kernel package");
        }
        return images.get(0);
    }

    private static Set<String> builtin(List<DebPackage.Extracted> extracted, String release) throws JcapException {
        for (DebPackage.Extracted e : extracted) {
            if (KernelModules.isBuiltinList(e.path()) && e.path().contains("/modules/" + release + "/")) {
                try {
                    return KernelModules.builtin(e.file());
                } catch (IOException ex) {
                    throw new JcapException("cannot read " + e.file() + ": " + ex.getMessage(), ex);
                }
            }
        }
        return Set.of();
    }

    private static void collect(List<DebPackage.Extracted> extracted, String release, Map<String, Path> modules)
            throws JcapException {
        for (DebPackage.Extracted e : extracted) {
            if (e.path().contains("/modules/" + release + "/")) {
                var name = KernelModules.moduleOf(e.path());
                if (name.isPresent()) {
                    try {
                        modules.putIfAbsent(name.get(), KernelModules.plain(e.file()));
                    } catch (IOException ex) {
                        throw new JcapException("cannot unpack kernel module " + e.file() + ": " + ex.getMessage(), ex);
                    }
                }
            }
        }
    }

    private static List<String> depends(Path module) throws JcapException {
        try {
            return KernelModules.depends(module);
        } catch (IOException e) {
            throw new JcapException("cannot read the dependencies of kernel module " + module + ": "
                    + e.getMessage(), e);
        }
    }
}
