package io.jcap.kernels;

import io.jcap.formats.elf.ElfFile;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Facts about the modules of a Linux kernel package: which are built in ({@code modules.builtin}),
 * what each {@code .ko} depends on (its {@code .modinfo} section, since Debian packages ship no
 * {@code modules.dep}; {@code depmod} makes that at install time), and the order to load them in.
 */
final class KernelModules {
    /** {@code [usr/]lib/modules/<release>/<...>/<name>.ko[.xz|.zst|.gz]} inside a package. */
    private static final Pattern MODULE_PATH =
            Pattern.compile("(?:usr/)?lib/modules/([^/]+)/(?:.+/)?([^/]+)\\.ko(\\.xz|\\.zst|\\.gz)?");
    private static final Pattern BUILTIN_PATH = Pattern.compile("(?:usr/)?lib/modules/([^/]+)/modules\\.builtin");

    private KernelModules() {
    }

    /** The module name a file stands for: {@code crc32c-intel.ko} is module {@code crc32c_intel}. */
    static String moduleName(String fileName) {
        String base = fileName.replaceFirst("\\.ko(\\.xz|\\.zst|\\.gz)?$", "");
        return base.replace('-', '_');
    }

    /** The module a package path holds, when it is a module file. */
    static Optional<String> moduleOf(String packagePath) {
        Matcher m = MODULE_PATH.matcher(packagePath);
        return m.matches() ? Optional.of(moduleName(m.group(2) + ".ko")) : Optional.empty();
    }

    static boolean isBuiltinList(String packagePath) {
        return BUILTIN_PATH.matcher(packagePath).matches();
    }

    /** The names in a {@code modules.builtin} file ({@code kernel/fs/ext4/ext4.ko} is {@code ext4}). */
    static Set<String> builtin(Path modulesBuiltin) throws IOException {
        Set<String> names = new HashSet<>();
        for (String line : Files.readAllLines(modulesBuiltin, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) {
                names.add(moduleName(trimmed.substring(trimmed.lastIndexOf('/') + 1)));
            }
        }
        return names;
    }

    /** The modules a {@code .ko} file depends on, from the {@code depends=} entry of its modinfo. */
    static List<String> depends(Path module) throws IOException {
        for (String entry : modinfo(module)) {
            if (entry.startsWith("depends=")) {
                List<String> names = new ArrayList<>();
                for (String name : entry.substring("depends=".length()).split(",")) {
                    if (!name.isBlank()) {
                        names.add(moduleName(name.strip()));
                    }
                }
                return names;
            }
        }
        return List.of();
    }

    /**
     * The device patterns a {@code .ko} file drives, from the {@code alias=} entries of its modinfo
     * ({@code pci:v00001AF4d*sv*sd*bc*sc*i*}), as {@code depmod} puts them into {@code modules.alias}.
     */
    static List<String> aliases(Path module) throws IOException {
        List<String> aliases = new ArrayList<>();
        for (String entry : modinfo(module)) {
            if (entry.startsWith("alias=") && entry.length() > "alias=".length()) {
                aliases.add(entry.substring("alias=".length()));
            }
        }
        return aliases;
    }

    private static List<String> modinfo(Path module) throws IOException {
        byte[] modinfo = ElfFile.read(module, elf -> elf.section(".modinfo")).orElse(new byte[0]);
        return List.of(new String(modinfo, StandardCharsets.UTF_8).split("\0"));
    }

    /**
     * The order to load {@code wanted} in: every module after the modules it depends on, otherwise
     * in the order given.
     *
     * @param dependencies each wanted module's dependencies (every dependency is itself wanted)
     */
    static List<String> loadOrder(List<String> wanted, Map<String, List<String>> dependencies) throws JcapException {
        Set<String> done = new LinkedHashSet<>();
        for (String module : wanted) {
            visit(module, dependencies, done, new LinkedHashSet<>());
        }
        return List.copyOf(done);
    }

    private static void visit(String module, Map<String, List<String>> dependencies, Set<String> done,
                              Set<String> path) throws JcapException {
        if (done.contains(module)) {
            return;
        }
        if (!path.add(module)) {
            throw new JcapException("kernel modules depend on each other in a cycle: " + String.join(" -> ", path)
                    + " -> " + module);
        }
        for (String dependency : dependencies.getOrDefault(module, List.of())) {
            visit(dependency, dependencies, done, path);
        }
        path.remove(module);
        done.add(module);
    }

    /**
     * A plain {@code .ko} for {@code extracted}: the file itself, or its XZ-decompressed copy next
     * to it (the guest init loads modules uncompressed).
     */
    static Path plain(Path extracted) throws IOException, JcapException {
        String name = extracted.getFileName().toString();
        if (name.endsWith(".ko")) {
            return extracted;
        }
        if (!name.endsWith(".ko.xz")) {
            throw new JcapException("kernel module " + name + " is compressed in a way jcap cannot unpack "
                    + "(it reads .ko and .ko.xz)");
        }
        Path plain = extracted.resolveSibling(name.substring(0, name.length() - ".xz".length()));
        try (InputStream in = new XZCompressorInputStream(Files.newInputStream(extracted));
             OutputStream out = Files.newOutputStream(plain)) {
            in.transferTo(out);
        }
        return plain;
    }
}
