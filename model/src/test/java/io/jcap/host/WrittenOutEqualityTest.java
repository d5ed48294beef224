package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.jcap.model.FileContent;
import io.jcap.model.FileIdentity;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.Sha256;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The records whose equals and hashCode are written out (to spare the start of every command the
 * ObjectMethods bootstrap) keep the record's meaning: equal when every component is, unequal when
 * any one differs. The component count is checked too, so that a new component cannot be left out.
 */
class WrittenOutEqualityTest {
    /** {@code variants} differ from {@code base} in one component each, in the record's order. */
    static void check(Record base, Record copy, List<? extends Record> variants) {
        assertEquals(base.getClass().getRecordComponents().length, variants.size(),
                base.getClass().getSimpleName() + ": one variant per component");
        assertEquals(base, copy);
        assertEquals(base.hashCode(), copy.hashCode());
        assertNotEquals(base, null);
        assertNotEquals(base, "other");
        for (Record variant : variants) {
            assertNotEquals(base, variant, Objects.toString(variant));
            assertNotEquals(variant, base, Objects.toString(variant));
        }
    }

    @Test
    void model_records_equalExactlyWhenEveryComponentIs() {
        check(GuestPath.of("/a/b"), GuestPath.of("/a//b"), List.of(GuestPath.of("/a/c")));
        String hex = "ab".repeat(32);
        check(new Sha256(hex), Sha256.parse(hex.toUpperCase()), List.of(new Sha256("cd".repeat(32))));
        check(new ImageEntry.Owner(1, 2), new ImageEntry.Owner(1, 2),
                List.of(new ImageEntry.Owner(3, 2), new ImageEntry.Owner(1, 3)));
        FileContent.HostFile hostFile = new FileContent.HostFile(Path.of("/etc/x"), 5);
        check(hostFile, new FileContent.HostFile(Path.of("/etc/x"), 5),
                List.of(new FileContent.HostFile(Path.of("/etc/y"), 5), new FileContent.HostFile(Path.of("/etc/x"), 6),
                        new FileContent.HostFile(Path.of("/etc/x"), 5, new FileIdentity(5, 2, 3, 4, 5))));
        FileContent.HostFile identified = new FileContent.HostFile(Path.of("/etc/x"), 5, new FileIdentity(5, 2, 3, 4, 5));
        check(identified, new FileContent.HostFile(Path.of("/etc/x"), 5, new FileIdentity(5, 2, 3, 4, 5)),
                List.of(new FileContent.HostFile(Path.of("/etc/y"), 5, new FileIdentity(5, 2, 3, 4, 5)),
                        new FileContent.HostFile(Path.of("/etc/x"), 6, new FileIdentity(6, 2, 3, 4, 5)),
                        new FileContent.HostFile(Path.of("/etc/x"), 5, new FileIdentity(5, 2, 3, 4, 9))));
        byte[] bytes = {1, 2};
        FileContent.Bytes held = new FileContent.Bytes(bytes);
        check(held, new FileContent.Bytes(bytes), List.of(new FileContent.Bytes(new byte[] {1, 2})));
        ImageEntry.Owner owner = new ImageEntry.Owner(1, 2);
        ImageEntry.RegularFile file = new ImageEntry.RegularFile(GuestPath.of("/f"), 0644, hostFile, owner);
        check(file, new ImageEntry.RegularFile(GuestPath.of("/f"), 0644, new FileContent.HostFile(Path.of("/etc/x"), 5),
                        new ImageEntry.Owner(1, 2)),
                List.of(new ImageEntry.RegularFile(GuestPath.of("/g"), 0644, hostFile, owner),
                        new ImageEntry.RegularFile(GuestPath.of("/f"), 0600, hostFile, owner),
                        new ImageEntry.RegularFile(GuestPath.of("/f"), 0644, held, owner),
                        new ImageEntry.RegularFile(GuestPath.of("/f"), 0644, hostFile, ImageEntry.Owner.ROOT)));
    }

    @Test
    void fileIdentity_equalsExactlyWhenEveryComponentIs() {
        check(new FileIdentity(1, 2, 3, 4, 5), new FileIdentity(1, 2, 3, 4, 5),
                List.of(new FileIdentity(9, 2, 3, 4, 5), new FileIdentity(1, 9, 3, 4, 5),
                        new FileIdentity(1, 2, 9, 4, 5), new FileIdentity(1, 2, 3, 9, 5),
                        new FileIdentity(1, 2, 3, 4, 9)));
    }
}
