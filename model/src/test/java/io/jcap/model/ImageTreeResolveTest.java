package io.jcap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageTreeResolveTest {
    private final ImageEntry sh = new ImageEntry.RegularFile(GuestPath.of("/usr/bin/busybox"), 0755,
            FileContent.of(new byte[] {1}));
    private final ImageTree tree = new ImageTree()
            .add(sh)
            .add(new ImageEntry.Symlink(GuestPath.of("/bin"), "usr/bin"))
            .add(new ImageEntry.Symlink(GuestPath.of("/usr/bin/sh"), "../bin/./busybox"))
            .add(new ImageEntry.Symlink(GuestPath.of("/usr/bin/abs"), "/bin/sh"))
            .add(new ImageEntry.Symlink(GuestPath.of("/up"), "../../../usr/bin/busybox"))
            .add(new ImageEntry.Symlink(GuestPath.of("/loop"), "/loop"));

    @Test
    void resolve_followsLinksInsideTheTree() {
        assertEquals(Optional.of(sh), tree.resolve(GuestPath.of("/bin/sh")));
        assertEquals(Optional.of(sh), tree.resolve(GuestPath.of("/bin/abs")));
        assertEquals(Optional.of(sh), tree.resolve(GuestPath.of("/up")), "'..' above the root stays at the root");
        assertEquals(Optional.empty(), tree.resolve(GuestPath.of("/bin/missing")));
        assertEquals(Optional.empty(), tree.resolve(GuestPath.of("/loop")));
        assertEquals(Optional.empty(), tree.resolve(GuestPath.of("/usr/bin/busybox/x")));
    }

    @Test
    void onPath_findsTheFirstFolderWithAUsableFile_throughLinks_skippingFoldersThatAreNoGuestPath() {
        ImageTree withTool = new ImageTree()
                .add(new ImageEntry.RegularFile(GuestPath.of("/opt/bin/tool"), 0644, FileContent.of(new byte[] {1})))
                .add(new ImageEntry.RegularFile(GuestPath.of("/usr/bin/tool"), 0755, FileContent.of(new byte[] {2})))
                .add(new ImageEntry.Symlink(GuestPath.of("/bin"), "usr/bin"));
        assertEquals(Optional.of(GuestPath.of("/opt/bin/tool")),
                withTool.onPath("tool", "relative:/..:/opt/bin:/bin", f -> true));
        assertEquals(Optional.of(GuestPath.of("/bin/tool")),
                withTool.onPath("tool", "relative:/..:/opt/bin:/bin", f -> (f.mode() & 0111) != 0));
        assertEquals(Optional.empty(), withTool.onPath("other", "/opt/bin:/bin", f -> true));
    }
}
