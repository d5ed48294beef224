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
}
