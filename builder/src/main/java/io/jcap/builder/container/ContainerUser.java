package io.jcap.builder.container;

import io.jcap.builder.compose.GuestUser;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves an image config's {@code User} ({@code name}, {@code uid}, {@code name:group},
 * {@code uid:gid}) through the image's own {@code /etc/passwd} and {@code /etc/group} at build
 * time, as runtimes do at start: a name must be there, a bare number need not be (group 0 then),
 * and the user's supplementary groups are the groups that list its name.
 */
final class ContainerUser {
    private ContainerUser() {
    }

    static GuestUser resolve(String user, Map<GuestPath, ImageEntry> tree, String image) throws JcapException {
        int colon = user.indexOf(':');
        String name = colon < 0 ? user : user.substring(0, colon);
        Optional<String> group = colon < 0 ? Optional.empty() : Optional.of(user.substring(colon + 1));
        List<String[]> groups = table(tree, "/etc/group", 4);
        String[] account = account(name, tree).orElse(null);
        long uid;
        long gid;
        if (account != null) {
            uid = id(account[2], user, image);
            gid = id(account[3], user, image);
        } else if (name.matches("\\d+")) {
            uid = id(name, user, image);
            gid = 0;
        } else {
            throw new JcapException(image + ": its User '" + user + "' names user '" + name
                    + "', which is not in the image's /etc/passwd (use a name listed there or a numeric uid[:gid])");
        }
        if (group.isPresent()) {
            String g = group.get();
            String[] entry = groups.stream().filter(e -> e[0].equals(g)).findFirst().orElse(null);
            if (entry != null) {
                gid = id(entry[2], user, image);
            } else if (g.matches("\\d+")) {
                gid = id(g, user, image);
            } else {
                throw new JcapException(image + ": its User '" + user + "' names group '" + g
                        + "', which is not in the image's /etc/group");
            }
        }
        List<Long> supplementary = new ArrayList<>();
        supplementary.add(gid);
        String accountName = account == null ? null : account[0];
        for (String[] e : groups) {
            if (accountName != null && List.of(e[3].split(",")).contains(accountName)) {
                long g = id(e[2], user, image);
                if (!supplementary.contains(g)) {
                    supplementary.add(g);
                }
            }
        }
        try {
            return new GuestUser(uid, gid, supplementary);
        } catch (IllegalArgumentException e) {
            throw new JcapException(image + ": its User '" + user + "': " + e.getMessage(), e);
        }
    }

    /**
     * The home folder {@code /etc/passwd} gives the user {@code User} names ({@code root} when
     * unset), which container runtimes put in {@code HOME} when the image's Env has none; empty
     * when the user has no line there, or its home is not an absolute path.
     */
    static Optional<String> home(Optional<String> user, Map<GuestPath, ImageEntry> tree) throws JcapException {
        String spec = user.orElse("root");
        int colon = spec.indexOf(':');
        return account(colon < 0 ? spec : spec.substring(0, colon), tree)
                .map(p -> p[5])
                .filter(h -> h.startsWith("/") && h.indexOf('\0') < 0 && h.indexOf('\r') < 0);
    }

    /** The first {@code /etc/passwd} line of the user {@code name} names, by name or by uid. */
    private static Optional<String[]> account(String name, Map<GuestPath, ImageEntry> tree) throws JcapException {
        return table(tree, "/etc/passwd", 7).stream().filter(p -> p[0].equals(name) || p[2].equals(name)).findFirst();
    }

    private static long id(String text, String user, String image) throws JcapException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new JcapException(image + ": User '" + user + "' resolves to ID '" + text + "', which is not a number");
        }
    }

    /** The lines of a colon-separated file of the image with at least {@code fields} fields; none when absent. */
    private static List<String[]> table(Map<GuestPath, ImageEntry> tree, String path, int fields) throws JcapException {
        ImageEntry entry = tree.get(GuestPath.of(path));
        List<String[]> rows = new ArrayList<>();
        // A hard link is the file under another name: read the file it shares.
        ImageEntry.RegularFile file = entry == null ? null : ImageEntry.inode(entry).orElse(null);
        if (file == null) {
            return rows;
        }
        String text;
        try (InputStream in = file.content().open()) {
            text = new String(in.readNBytes(1 << 22), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new JcapException("cannot read the image's " + path + ": " + e.getMessage(), e);
        }
        for (String line : text.split("\n")) {
            String[] parts = line.split(":", -1);
            if (parts.length >= fields && !line.startsWith("#")) {
                rows.add(parts);
            }
        }
        return rows;
    }
}
