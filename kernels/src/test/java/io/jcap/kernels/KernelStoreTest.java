package io.jcap.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.host.DigestCache;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import io.jcap.testsupport.FileEdits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelStoreTest {
    @TempDir
    Path temp;
    private KernelStore store;
    private Path vmlinuz;
    private Path moduleA;
    private Path moduleB;

    @BeforeEach
    void files() throws Exception {
        store = new KernelStore(temp.resolve("kernels"));
        vmlinuz = Files.writeString(temp.resolve("vmlinuz-test"), "kernel image");
        moduleA = Files.writeString(temp.resolve("b_first.ko"), "module b");
        moduleB = Files.writeString(temp.resolve("a_second.ko"), "module a");
    }

    private KernelDraft draft(String name) {
        return new KernelDraft(name, "6.1.0-test", "cloud", "apt:linux-image-test=1", vmlinuz, List.of(moduleA, moduleB));
    }

    @Test
    void add_thenGet_givesStoredPathsInLoadOrderAndDigest() throws Exception {
        store.add(draft("linux"));
        Kernel kernel = store.get("linux");
        Path folder = store.dir().resolve("linux");
        assertEquals(folder.resolve("vmlinuz"), kernel.vmlinuz());
        assertEquals(List.of(folder.resolve("modules/b_first.ko"), folder.resolve("modules/a_second.ko")),
                kernel.modules());
        assertEquals(List.of("b_first.ko", "a_second.ko"), kernel.loadOrder());
        assertEquals(Sha256.of("kernel image".getBytes(StandardCharsets.UTF_8)), kernel.vmlinuzSha256());
        assertEquals("linux", kernel.family());
        assertEquals("6.1.0-test", kernel.version());
        assertEquals("apt:linux-image-test=1", kernel.origin());
        assertEquals(List.of("linux"), store.names());
        assertEquals(List.of(kernel), store.list());
    }

    @Test
    void add_writesKernelJsonWithDigestsAndLoadOrder() throws Exception {
        store.add(draft("linux"));
        String expected = """
                {
                  "name" : "linux",
                  "family" : "linux",
                  "version" : "6.1.0-test",
                  "flavour" : "cloud",
                  "origin" : "apt:linux-image-test=1",
                  "files" : [ {
                    "path" : "vmlinuz",
                    "sha256" : "%s",
                    "size" : 12
                  }, {
                    "path" : "modules/b_first.ko",
                    "sha256" : "%s",
                    "size" : 8
                  }, {
                    "path" : "modules/a_second.ko",
                    "sha256" : "%s",
                    "size" : 8
                  } ],
                  "moduleLoadOrder" : [ "b_first.ko", "a_second.ko" ]
                }
                """.formatted(Sha256.of(vmlinuz), Sha256.of(moduleA), Sha256.of(moduleB));
        assertEquals(expected, Files.readString(store.dir().resolve("linux/kernel.json")));
    }

    @Test
    void add_osvLoader_storesLoaderImgWithItsKindAndNoModules() throws Exception {
        Path loader = Files.writeString(temp.resolve("osv-loader.qemu"), "loader image");
        store.add(new KernelDraft("osv", KernelKind.OSV_LOADER, "unknown", "custom", "import:osv-loader.qemu", loader,
                List.of()));
        String expected = """
                {
                  "name" : "osv",
                  "family" : "osv",
                  "kind" : "loader",
                  "version" : "unknown",
                  "flavour" : "custom",
                  "origin" : "import:osv-loader.qemu",
                  "files" : [ {
                    "path" : "loader.img",
                    "sha256" : "%s",
                    "size" : 12
                  } ],
                  "moduleLoadOrder" : [ ]
                }
                """.formatted(Sha256.of(loader));
        assertEquals(expected, Files.readString(store.dir().resolve("osv/kernel.json")));
        Kernel kernel = store.get("osv");
        assertEquals(new Kernel("osv", "osv", KernelKind.OSV_LOADER, "unknown", "custom", "import:osv-loader.qemu",
                store.dir().resolve("osv"), store.dir().resolve("osv/loader.img"), Sha256.of(loader), List.of()), kernel);
    }

    @Test
    void listing_oneGarbageKernelJson_listsTheOthersAndNamesTheBrokenOne() throws Exception {
        store.add(draft("linux"));
        store.add(draft("spare"));
        Path record = store.dir().resolve("spare/kernel.json");
        Files.writeString(record, "{ not json");

        KernelStore.Listing listing = store.listing();

        assertEquals(List.of("linux"), listing.kernels().stream().map(Kernel::name).toList());
        assertEquals(1, listing.broken().size());
        assertEquals("spare", listing.broken().get(0).name());
        assertTrue(listing.broken().get(0).problem().startsWith("kernel 'spare' has an unreadable " + record),
                listing.broken().get(0).problem());
        JcapException e = assertThrows(JcapException.class, store::list);
        assertEquals(listing.broken().get(0).problem(), e.getMessage());
    }

    @Test
    void get_linuxKernelJsonWithoutKind_isABzImage() throws Exception {
        store.add(draft("linux"));
        assertEquals(KernelKind.BZIMAGE, store.get("linux").kind());
        assertFalse(Files.readString(store.dir().resolve("linux/kernel.json")).contains("kind"));
    }

    @Test
    void draft_osvKernelWithModules_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KernelDraft("osv",
                KernelKind.OSV_ZFS_BUILDER, "unknown", "custom", "x", vmlinuz, List.of(moduleA)));
        assertEquals("only Linux kernels have modules, not a zfs-builder kernel", e.getMessage());
    }

    @Test
    void get_afterOneByteOfAModuleFlipped_namesTheFileAndTheFolderToDelete() throws Exception {
        store.add(draft("linux"));
        Path module = store.dir().resolve("linux/modules/a_second.ko");
        byte[] bytes = Files.readAllBytes(module);
        bytes[3] ^= 1;
        Files.write(module, bytes);
        JcapException e = assertThrows(JcapException.class, () -> store.get("linux"));
        assertEquals("kernel 'linux' is corrupt: " + module + " does not match the SHA-256 recorded in kernel.json; "
                + "pull it again with 'jcap kernels pull linux'", e.getMessage());
        assertEquals("kernel 'linux' is corrupt: " + module + " does not match the SHA-256 recorded in kernel.json",
                ((KernelStore.DamagedKernelException) e).problem());
    }

    @Test
    void get_afterAModuleRewrittenOnceItsDigestWasRemembered_stillFindsItCorrupt() throws Exception {
        store.add(draft("linux"));
        KernelStore remembering = new KernelStore(store.dir(),
                DigestCache.at(store.dir().resolve(KernelStore.DIGESTS), Duration.ofSeconds(-60)));
        remembering.get("linux");
        assertTrue(Files.readString(store.dir().resolve(KernelStore.DIGESTS)).contains("a_second.ko"));
        Path module = store.dir().resolve("linux/modules/a_second.ko");
        byte[] bytes = Files.readAllBytes(module);
        bytes[3] ^= 1;
        // A rewrite in the file clock's tick of the copy is the racy case the real cache declines
        // to remember, which this one trusts: the edit steps past it, as a person's edit does.
        FileEdits.rewrite(module, bytes);
        JcapException e = assertThrows(JcapException.class, () -> remembering.get("linux"));
        assertTrue(e.getMessage().startsWith("kernel 'linux' is corrupt: " + module), e.getMessage());
    }

    @Test
    void get_throughALinkedFolder_remembersTheFilesUnderTheirRealPaths() throws Exception {
        store.add(draft("linux"));
        Path linked = Files.createSymbolicLink(temp.resolve("home-kernels"), store.dir());
        Path cache = store.dir().resolve(KernelStore.DIGESTS);
        new KernelStore(store.dir(), DigestCache.at(cache, Duration.ofSeconds(-60))).get("linux");
        List<String> before = Files.readAllLines(cache);

        new KernelStore(linked, DigestCache.at(cache, Duration.ofSeconds(-60))).get("linux");

        assertEquals(before, Files.readAllLines(cache), "no entries of the linked path were added");
        String real = store.dir().toRealPath() + "/";
        assertTrue(before.size() > 1 && before.stream().skip(1).allMatch(l -> l.split(" ", 7)[6].startsWith(real)),
                before.toString());
    }

    @Test
    void get_afterVmlinuzDeleted_reportsTheKernelIncomplete() throws Exception {
        store.add(draft("linux"));
        Path image = store.dir().resolve("linux/vmlinuz");
        Files.delete(image);
        JcapException e = assertThrows(JcapException.class, () -> store.get("linux"));
        assertEquals("kernel 'linux' is incomplete: " + image + " is missing; pull it again with 'jcap kernels pull"
                + " linux'", e.getMessage());
        assertInstanceOf(KernelStore.DamagedKernelException.class, e);
    }

    @Test
    void add_sameNameAgain_replacesTheKernelAndLeavesNoStagingFolders() throws Exception {
        store.add(draft("linux"));
        Files.writeString(vmlinuz, "a newer kernel image");
        store.add(new KernelDraft("linux", "6.1.0-newer", "cloud", "apt:x=2", vmlinuz, List.of()));
        Kernel kernel = store.get("linux");
        assertEquals("6.1.0-newer", kernel.version());
        assertEquals(List.of(), kernel.modules());
        assertEquals("a newer kernel image", Files.readString(kernel.vmlinuz()));
        assertFalse(Files.exists(store.dir().resolve("linux/modules")));
        try (var entries = Files.list(store.dir())) {
            assertEquals(List.of(".lock", "linux"), entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void remove_deletesTheKernelFolder() throws Exception {
        store.add(draft("linux"));
        store.add(draft("linux-generic"));
        assertTrue(store.remove("linux"));
        assertFalse(store.remove("linux"));
        assertFalse(Files.exists(store.dir().resolve("linux")));
        assertEquals(List.of("linux-generic"), store.names());
        JcapException e = assertThrows(JcapException.class, () -> store.remove(".."));
        assertEquals("'..' is not a kernel name (letters, digits, '.', '_', '-', at most 64, starting with a letter"
                + " or digit)", e.getMessage());
        assertEquals(List.of("linux-generic"), store.names());
    }

    @Test
    void remove_fromAStoreNotYetMade_findsNothingAndMakesNothing() throws Exception {
        KernelStore none = new KernelStore(temp.resolve("no-store"));
        assertFalse(none.remove("linux"));
        assertFalse(Files.exists(temp.resolve("no-store")));
    }

    @Test
    void get_ofADamagedImportedKernel_saysToImportItAgainOrRemoveIt() throws Exception {
        store.add(draft("mykernel"));
        Files.writeString(store.dir().resolve("mykernel/vmlinuz"), "altered");
        JcapException e = assertThrows(JcapException.class, () -> store.get("mykernel"));
        assertTrue(e.getMessage().endsWith("does not match the SHA-256 recorded in kernel.json; pull or import it"
                + " again (with --force, which replaces it), or remove it with 'jcap kernels rm mykernel'"),
                e.getMessage());
    }

    @Test
    void get_unknownKernel_saysHowToGetOne() {
        JcapException e = assertThrows(JcapException.class, () -> store.get("linux"));
        JcapException mini = assertThrows(JcapException.class, () -> store.get(io.jcap.kernels.mini.MiniKernelBuild.NAME));
        JcapException other = assertThrows(JcapException.class, () -> store.get("custom"));
        assertEquals("kernel 'linux' is not in " + store.dir() + ": pull it with 'jcap kernels pull linux'", e.getMessage());
        assertEquals("kernel 'linux-mini' is not in " + store.dir() + ": build it with 'jcap kernels build linux-mini' (a"
                + " few minutes, once)", mini.getMessage());
        assertEquals("kernel 'custom' is not in " + store.dir() + ": pull it with 'jcap kernels pull' or import one with"
                + " 'jcap kernels import FILE'", other.getMessage());
    }

    @Test
    void get_nameWithSlash_isRefused() {
        JcapException e = assertThrows(JcapException.class, () -> store.get("../linux"));
        assertEquals("'../linux' is not a kernel name (letters, digits, '.', '_', '-', at most 64, "
                + "starting with a letter or digit)", e.getMessage());
    }

    @Test
    void add_missingSourceFile_storesNothing() throws Exception {
        Files.delete(moduleB);
        JcapException e = assertThrows(JcapException.class, () -> store.add(draft("linux")));
        assertEquals("kernel file " + moduleB + " does not exist or is not a regular file", e.getMessage());
        assertEquals(List.of(), store.names());
        try (var entries = Files.list(store.dir())) {
            assertEquals(List.of(".lock"), entries.map(p -> p.getFileName().toString()).toList());
        }
    }
}
