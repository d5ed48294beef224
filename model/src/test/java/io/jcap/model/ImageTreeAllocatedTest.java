package io.jcap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageTreeAllocatedTest {
    @Test
    void allocatedBytes_roundsEachFileToBlocksAndCountsABlockPerFolder() {
        List<ImageEntry> entries = new ArrayList<>();
        entries.add(new ImageEntry.Directory(GuestPath.of("/d"), 0755));
        entries.add(new ImageEntry.RegularFile(GuestPath.of("/d/one"), 0644, FileContent.of(new byte[1])));
        entries.add(new ImageEntry.RegularFile(GuestPath.of("/d/empty"), 0644, FileContent.of(new byte[0])));
        entries.add(new ImageEntry.RegularFile(GuestPath.of("/d/block"), 0644, FileContent.of(new byte[4096])));
        entries.add(new ImageEntry.RegularFile(GuestPath.of("/d/more"), 0644, FileContent.of(new byte[4097])));
        ImageTree tree = new ImageTree();
        entries.forEach(tree::add);

        assertEquals(1 + 4096 + 4097, tree.contentBytes());
        // the root folder, /d, and 1 + 0 + 1 + 2 blocks of content
        assertEquals(6 * 4096, tree.allocatedBytes(4096));
    }

    @Test
    void allocatedBytes_hardLinkedFile_countsOnceAlsoWhenOnlyLinksNameIt() {
        ImageEntry.RegularFile file = new ImageEntry.RegularFile(GuestPath.of("/f"), 0644, FileContent.of(new byte[5000]));
        ImageEntry.RegularFile gone = new ImageEntry.RegularFile(GuestPath.of("/gone"), 0644, FileContent.of(new byte[10]));
        ImageTree tree = new ImageTree();
        tree.add(file);
        tree.add(new ImageEntry.HardLink(GuestPath.of("/f2"), file));
        tree.add(new ImageEntry.HardLink(GuestPath.of("/f3"), file));
        tree.add(new ImageEntry.HardLink(GuestPath.of("/g1"), gone));
        tree.add(new ImageEntry.HardLink(GuestPath.of("/g2"), gone));

        assertEquals(5000 + 10, tree.contentBytes());
        // the root folder, 2 blocks of /f, 1 of the file /g1 and /g2 share
        assertEquals(4 * 4096, tree.allocatedBytes(4096));
    }

    @Test
    void hardLink_namingItselfOrTheRoot_isRefused() {
        ImageEntry.RegularFile file = new ImageEntry.RegularFile(GuestPath.of("/f"), 0644, FileContent.of(new byte[1]));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ImageEntry.HardLink(GuestPath.of("/f"), file));
        assertEquals("hard link /f cannot name /f: a link needs a path of its own, other than the root", e.getMessage());
    }
}
