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
}
