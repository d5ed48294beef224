package io.jcap.capstanfile;

import java.util.Collection;
import java.util.Optional;

/** Finds the known key a user probably meant when they wrote an unknown one. */
final class Suggestions {
    private static final int MAX_DISTANCE = 2;

    private Suggestions() {
    }

    /**
     * The known key closest to {@code typed}: within {@value #MAX_DISTANCE} edits where the edits
     * change less than half of the longer word ({@code cmdlin}, {@code memroy}, but not {@code foo}
     * for {@code fs}), or else a key that starts with it ({@code mem} for {@code memory}). Ties
     * go to the first in {@code known}.
     */
    static Optional<String> closest(String typed, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(typed, candidate);
            boolean close = distance <= MAX_DISTANCE && 2 * distance < Math.max(typed.length(), candidate.length());
            if (close && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best == null && typed.length() >= 2) {
            best = known.stream().filter(k -> k.startsWith(typed)).findFirst().orElse(null);
        }
        return Optional.ofNullable(best);
    }

    /**
     * Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbouring
     * letters as one edit (so {@code memroy} is one edit from {@code memory}).
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
