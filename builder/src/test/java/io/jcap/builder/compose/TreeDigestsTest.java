package io.jcap.builder.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.host.DigestCache;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TreeDigestsTest {
    /**
     * The tree digest is what an unchanged rebuild compares with the stored image's: a change to how
     * it is computed must keep its bytes, or every image is built again after an upgrade (and
     * TreeDigests' VERSION said otherwise). The hex is the digest jcap gave this tree on 2026-12-06;
     * the tree's lines are over 300 KB, and its names take one to four bytes a char.
     */
    @Test
    void of_aTreeOfEveryKind_keepsTheDigestOfEarlierReleases() throws Exception {
        ImageTree tree = new ImageTree();
        tree.add(new ImageEntry.Directory(GuestPath.of("/app"), 0755));
        ImageEntry.RegularFile hello = new ImageEntry.RegularFile(GuestPath.of("/app/hello"), 0755,
                FileContent.of("hello\n".getBytes(StandardCharsets.UTF_8)));
        tree.add(hello);
        tree.add(new ImageEntry.HardLink(GuestPath.of("/app/hello-again"), hello));
        tree.add(new ImageEntry.Symlink(GuestPath.of("/app/link"), "hello"));
        String folder = "/caf\u00e9 \u65e5\u672c \ud83d\ude00";
        tree.add(new ImageEntry.Directory(GuestPath.of(folder), 0700));
        for (int i = 0; i < 3000; i++) {
            tree.add(new ImageEntry.RegularFile(GuestPath.of(folder + "/f" + i), 0644,
                    FileContent.of(("file " + i).getBytes(StandardCharsets.UTF_8))));
        }

        assertEquals("7ea8e0e1a86f8bb760895ef0d47fed5e4500d5c041552066c33dec199474888b",
                TreeDigests.of(tree, 1767225600L, DigestCache.none()).tree().hex());
    }
}
