package io.jcap.builder.container;

import io.jcap.builder.compose.GuestUser;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How a container image's application runs in the VM: Entrypoint + Cmd (or the Capstanfile's
 * {@code cmdline}), Env merged with the Capstanfile's {@code env} (which wins), WorkingDir, User
 * resolved to IDs, StopSignal as what {@code jcap stop} sends, ExposedPorts as forwarded ports. A command without a '/' is looked up in the
 * image along its PATH now, so that a missing program fails the build rather than the boot.
 *
 * @param argv the command, its program an absolute path in the image
 * @param env the environment
 * @param cwd the working folder
 * @param user the user to switch to; empty for root
 * @param stopSignal the signal {@code jcap stop} sends (StopSignal); empty for SIGTERM
 * @param ports the exposed ports, forwarded from the same host ports by default
 * @param volumes the folders that get a writable tmpfs at boot (Volumes)
 */
public record ContainerRun(List<String> argv, SortedMap<String, String> env, GuestPath cwd, Optional<GuestUser> user,
        OptionalInt stopSignal, List<PortMapping> ports, List<GuestPath> volumes) {
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public ContainerRun {
        argv = List.copyOf(argv);
        env = new TreeMap<>(env);
        ports = List.copyOf(ports);
        volumes = List.copyOf(volumes);
    }

    /**
     * @param command the Capstanfile's command as words, replacing Entrypoint and Cmd when present
     * @param extraEnv the Capstanfile's {@code env}
     */
    public static ContainerRun of(ContainerImage image, Optional<List<String>> command, Map<String, String> extraEnv)
            throws JcapException {
        ContainerConfig c = image.config();
        SortedMap<String, String> env = new TreeMap<>();
        for (String pair : c.env()) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new JcapException(image.source() + ": its Env entry '" + pair + "' is not NAME=value");
            }
            env.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        env.putAll(extraEnv);
        List<String> argv = new ArrayList<>(command.orElse(c.command()));
        if (argv.isEmpty()) {
            throw new JcapException(image.source() + " has neither Entrypoint nor Cmd: set cmdline in the Capstanfile");
        }
        Map<GuestPath, ImageEntry> tree = new HashMap<>();
        ImageTree links = new ImageTree();
        for (ImageEntry e : image.entries()) {
            tree.put(e.path(), e);
            links.add(e);
        }
        GuestPath cwd;
        try {
            cwd = GuestPath.of(c.workingDir().orElse("/"));
        } catch (IllegalArgumentException e) {
            throw new JcapException(image.source() + ": its WorkingDir: " + e.getMessage(), e);
        }
        argv.set(0, program(argv.get(0), cwd, env.getOrDefault("PATH", DEFAULT_PATH), links, image.source()));
        ImageEntry there = tree.get(cwd);
        if (there instanceof ImageEntry.RegularFile || there instanceof ImageEntry.HardLink) {
            // The init would fail its chdir at every boot (exit 127); a missing folder it makes.
            throw new JcapException(image.source() + ": its WorkingDir " + cwd.value() + " is a file in the image, not a"
                    + " folder, so its command cannot start there: rebuild the container image with a folder as its WorkingDir");
        }
        Optional<GuestUser> user = Optional.empty();
        if (c.user().isPresent() && !c.user().get().equals("root") && !c.user().get().equals("0")) {
            user = Optional.of(ContainerUser.resolve(c.user().get(), tree, image.source()));
        }
        if (!env.containsKey("HOME")) {
            // As Docker and Podman do: the user's home from the image's /etc/passwd (the guest's
            // default is /), unless the image's Env or the Capstanfile's env says.
            ContainerUser.home(c.user().filter(u -> !u.isEmpty()), tree).ifPresent(h -> env.put("HOME", h));
        }
        List<PortMapping> ports = new ArrayList<>();
        for (String exposed : c.exposedPorts()) {
            try {
                ports.add(PortMapping.parse(exposed));
            } catch (IllegalArgumentException e) {
                throw new JcapException(image.source() + ": its ExposedPorts: " + e.getMessage(), e);
            }
        }
        OptionalInt stopSignal = c.stopSignal().isPresent()
                ? OptionalInt.of(StopSignal.number(c.stopSignal().get(), image.source())) : OptionalInt.empty();
        List<GuestPath> volumes = new ArrayList<>();
        for (String volume : c.volumes()) {
            try {
                volumes.add(GuestPath.of(volume));
            } catch (IllegalArgumentException e) {
                throw new JcapException(image.source() + ": its Volumes: " + e.getMessage(), e);
            }
            if (volumes.get(volumes.size() - 1).isRoot()) {
                throw new JcapException(image.source() + ": its Volumes name the root '/': a volume is a folder inside it");
            }
        }
        return new ContainerRun(argv, env, cwd, user, stopSignal, ports, volumes);
    }

    /**
     * The command's program as the guest runs it, an absolute path: a name without '/' is looked
     * up along PATH; a relative path ({@code ./bin/app}) is taken from the working folder, as
     * container runtimes exec it there.
     */
    private static String program(String name, GuestPath cwd, String path, ImageTree tree, String image)
            throws JcapException {
        if (name.startsWith("/")) {
            return name;
        }
        if (name.contains("/")) {
            try {
                return cwd.resolve(name).value();
            } catch (IllegalArgumentException e) {
                throw new JcapException(image + ": its command '" + name + "' from WorkingDir " + cwd.value() + ": "
                        + e.getMessage(), e);
            }
        }
        return tree.onPath(name, path, file -> true).map(GuestPath::value).orElseThrow(() -> new JcapException(
                image + ": its command '" + name + "' is in none of the folders of PATH " + path));
    }
}
