package io.jcap.capstanfile;

import java.util.Collection;
import java.util.Optional;

/** Finds the known key a user probably meant when they wrote an unknown one. */
final class Suggestions {
    private static final int MAX_DISTANCE = 2;

    private Suggestions() {
    }

    /**
     * The known key closest to {@code typed}: within {@value #MAX_DISTANCE} edits (and fewer
     * edits than it has letters), or one that
     * starts with it ({@code mem} for {@code memory}). Ties go to the first in {@code known}.
     */
    static Optional<String> closest(String typed, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(typed, candidate);
            if (distance <= MAX_DISTANCE && distance < typed.length() && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best == null && !typed.isEmpty()) {
            best = known.stream().filter(k -> k.startsWith(typed)).findFirst().orElse(null);
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
