package io.jcap.builder.compose;

import java.util.List;

/**
 * The user the guest init switches to before it starts the application (a container image's
 * {@code User}, resolved through the image's own {@code /etc/passwd} and {@code /etc/group}).
 *
 * <pre>{@code
 * GuestUser app = new GuestUser(1000, 1000, List.of(1000L, 27L)); // "user 1000 1000 1000,27"
 * }</pre>
 *
 * @param uid the user ID
 * @param gid the primary group ID
 * @param groups the supplementary groups, empty for none
 */
public record GuestUser(long uid, long gid, List<Long> groups) {
    private static final long MAX_ID = 0xFFFFFFFEL;

    public GuestUser {
        groups = List.copyOf(groups);
        if (uid < 0 || uid > MAX_ID || gid < 0 || gid > MAX_ID || groups.stream().anyMatch(g -> g < 0 || g > MAX_ID)) {
            throw new IllegalArgumentException("user " + uid + ":" + gid + " " + groups + " has an ID outside 0..4294967294");
        }
        if (groups.size() > 64) {
            throw new IllegalArgumentException("user " + uid + " is in " + groups.size() + " groups: the guest init takes 64");
        }
    }

    /** The value of the {@code user} line of docs/guest-protocol.md. */
    String setting() {
        StringBuilder s = new StringBuilder().append(uid).append(' ').append(gid);
        for (int i = 0; i < groups.size(); i++) {
            s.append(i == 0 ? ' ' : ',').append(groups.get(i));
        }
        return s.toString();
    }
}
