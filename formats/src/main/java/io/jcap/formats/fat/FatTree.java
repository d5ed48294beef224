package io.jcap.formats.fat;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** The directories and files of a volume as a tree, and their clusters once allocated. */
final class FatTree {
    private FatTree() {
    }

    /** A file or directory below the root. */
    abstract static class Node {
        final byte[] name11;
        int firstCluster;

        Node(byte[] name11) {
            this.name11 = name11;
        }

        /** Clusters of this node's own content (a directory's entries, a file's bytes). */
        abstract long clusters(int bytesPerCluster);
    }

    static final class File extends Node {
        final byte[] data;

        File(byte[] name11, byte[] data) {
            super(name11);
            this.data = data;
        }

        @Override
        long clusters(int bytesPerCluster) {
            return ((long) data.length + bytesPerCluster - 1) / bytesPerCluster;
        }
    }

    static final class Dir extends Node {
        private final Map<String, Node> children = new TreeMap<>();

        Dir(byte[] name11) {
            super(name11);
        }

        Map<String, Node> children() {
            return children;
        }

        @Override
        long clusters(int bytesPerCluster) {
            long bytes = (children.size() + 2L) * DirectoryEntry.SIZE; // with . and ..
            return (bytes + bytesPerCluster - 1) / bytesPerCluster;
        }

        /** Clusters of everything below this directory, its own excluded. */
        long clustersBelow(int bytesPerCluster) {
            long total = 0;
            for (Node child : children.values()) {
                total += child.clusters(bytesPerCluster);
                if (child instanceof Dir dir) {
                    total += dir.clustersBelow(bytesPerCluster);
                }
            }
            return total;
        }

        /** Gives each node below consecutive clusters from {@code next}, depth-first; returns the next free one. */
        int allocate(int next, int bytesPerCluster) {
            for (Node child : children.values()) {
                int count = (int) child.clusters(bytesPerCluster);
                child.firstCluster = count == 0 ? 0 : next;
                next += count;
                if (child instanceof Dir dir) {
                    next = dir.allocate(next, bytesPerCluster);
                }
            }
            return next;
        }

        /**
         * Puts this directory's entries into {@code own} from byte {@code from}, chains each child's
         * clusters in {@code fat} and adds their contents to {@code chunks}. {@code ownCluster} is 0
         * for the root, which is what {@code ..} of its subdirectories holds.
         */
        void emit(byte[] own, int from, int ownCluster, FatGeometry g, byte[] fat, Map<Long, byte[]> chunks,
                Instant time) {
            int offset = from;
            for (Node child : children.values()) {
                int clusters = (int) child.clusters(g.bytesPerCluster());
                for (int c = child.firstCluster; c < child.firstCluster + clusters; c++) {
                    g.type().put(fat, c, c == child.firstCluster + clusters - 1 ? g.type().endOfChain : c + 1);
                }
                if (child instanceof File file) {
                    DirectoryEntry.put(own, offset, file.name11, DirectoryEntry.ARCHIVE, file.firstCluster,
                            file.data.length, time);
                    if (file.data.length > 0) {
                        chunks.put(g.clusterOffset(file.firstCluster), file.data);
                    }
                } else {
                    Dir dir = (Dir) child;
                    DirectoryEntry.put(own, offset, dir.name11, DirectoryEntry.DIRECTORY, dir.firstCluster, 0, time);
                    byte[] entries = new byte[clusters * g.bytesPerCluster()];
                    DirectoryEntry.put(entries, 0, DirectoryEntry.dots(1), DirectoryEntry.DIRECTORY, dir.firstCluster, 0,
                            time);
                    DirectoryEntry.put(entries, DirectoryEntry.SIZE, DirectoryEntry.dots(2), DirectoryEntry.DIRECTORY,
                            ownCluster, 0, time);
                    dir.emit(entries, 2 * DirectoryEntry.SIZE, dir.firstCluster, g, fat, chunks, time);
                    chunks.put(g.clusterOffset(dir.firstCluster), entries);
                }
                offset += DirectoryEntry.SIZE;
            }
        }
    }

    /** The tree of {@code files} (paths checked by {@link FatVolume}). */
    static Dir of(Map<String, byte[]> files) {
        Dir root = new Dir(null);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            String path = e.getKey();
            String[] names = path.substring(1).split("/");
            Dir dir = root;
            for (int i = 0; i < names.length - 1; i++) {
                Node node = dir.children.computeIfAbsent(names[i], n -> new Dir(ShortName.encode(n, path)));
                if (!(node instanceof Dir sub)) {
                    throw new IllegalArgumentException("'/" + String.join("/", java.util.Arrays.copyOf(names, i + 1))
                            + "' is a file, but " + path + " needs it to be a directory");
                }
                dir = sub;
            }
            Node previous = dir.children.putIfAbsent(names[names.length - 1],
                    new File(ShortName.encode(names[names.length - 1], path), e.getValue()));
            if (previous != null) {
                throw new IllegalArgumentException(path + " is a directory of other files and cannot also be a file");
            }
        }
        return root;
    }
}
