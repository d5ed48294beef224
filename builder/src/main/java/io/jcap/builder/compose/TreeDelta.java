package io.jcap.builder.compose;

import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What an incremental build streams onto the previous build's disk to make it hold {@code tree}:
 * removals, deepest first (entries gone, and entries whose type changed, which the init cannot
 * replace in place), then the entries that are new or changed, in the tree's order. The parent
 * folder of every entry added, changed or removed is sent again too: its time changed on the
 * disk when its child did, and the stream sets it back.
 *
 * <pre>{@code
 * TreeDelta delta = TreeDelta.between(previous, TreeManifest.of(tree, disk), tree);
 * streamer.stream(port, delta.removed(), delta.entries(), events, vm::isAlive);
 * }</pre>
 *
 * @param removed paths to remove, children before their folder
 * @param entries entries to write, in path order
 * @param changed how many of {@code entries} are new or changed (the rest are parents sent for their time)
 * @param bytes the file bytes {@code entries} carry
 */
public record TreeDelta(List<GuestPath> removed, List<ImageEntry> entries, int changed, long bytes) {
    public TreeDelta {
        removed = List.copyOf(removed);
        entries = List.copyOf(entries);
    }

    /** Whether the disk already holds the tree: nothing to stream. */
    public boolean isEmpty() {
        return removed.isEmpty() && entries.isEmpty();
    }

    /**
     * The delta from a disk holding {@code before} to one holding {@code tree}, whose manifest is
     * {@code after}.
     */
    public static TreeDelta between(TreeManifest before, TreeManifest after, ImageTree tree) {
        SortedSet<GuestPath> removed = new TreeSet<>(Comparator.reverseOrder());
        SortedSet<GuestPath> changed = new TreeSet<>();
        before.entries().forEach((path, was) -> {
            TreeManifest.Fingerprint now = after.entries().get(path);
            if (now == null || now.type() != was.type()) {
                removed.add(path);
            }
        });
        after.entries().forEach((path, now) -> {
            if (!now.equals(before.entries().get(path))) {
                changed.add(path);
            }
        });
        SortedSet<GuestPath> send = new TreeSet<>(changed);
        for (GuestPath path : removed) {
            addParent(send, path, after);
        }
        for (GuestPath path : changed) {
            addParent(send, path, after);
        }
        List<ImageEntry> entries = new ArrayList<>();
        long bytes = 0;
        for (GuestPath path : send) {
            ImageEntry entry = tree.get(path);
            if (entry == null) {
                throw new IllegalArgumentException("the manifest names " + path + ", which the tree does not hold");
            }
            entries.add(entry);
            if (entry instanceof ImageEntry.RegularFile f) {
                bytes += f.content().size();
            }
        }
        return new TreeDelta(new ArrayList<>(removed), entries, changed.size(), bytes);
    }

    private static void addParent(SortedSet<GuestPath> send, GuestPath path, TreeManifest after) {
        if (!path.isRoot() && after.entries().containsKey(path.parent())) {
            send.add(path.parent());
        }
    }
}
