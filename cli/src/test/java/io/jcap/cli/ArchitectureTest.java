package io.jcap.cli;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The package structure docs/architecture.md describes, checked on jcap's own classes (all
 * modules are on this module's class path): no cycle between any two packages.
 */
class ArchitectureTest {
    private static final JavaClasses JCAP = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.jcap");

    /** Every package is a slice of its own, so a cycle between any two packages breaks the rule. */
    static ArchRule noPackageCycles() {
        return slices().matching("io.jcap.(**)").should().beFreeOfCycles();
    }

    @Test
    void jcap_hasClassesOfEveryModule() {
        for (String pkg : new String[] {"io.jcap.model", "io.jcap.host", "io.jcap.capstanfile", "io.jcap.formats.cpio",
                "io.jcap.streamer", "io.jcap.kernels", "io.jcap.hypervisor", "io.jcap.builder", "io.jcap.cli"}) {
            assertTrue(JCAP.containPackage(pkg), pkg + " was not imported: the check would prove nothing");
        }
    }

    @Test
    void packages_haveNoCycles() {
        noPackageCycles().check(JCAP);
    }

    @Test
    void noPackageCycles_failsOnACycle() {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.jcap.cli.cyclefixture");
        AssertionError e = assertThrows(AssertionError.class, () -> noPackageCycles().check(fixture));
        assertTrue(e.getMessage().contains("Cycle detected"), e.getMessage());
    }
}
