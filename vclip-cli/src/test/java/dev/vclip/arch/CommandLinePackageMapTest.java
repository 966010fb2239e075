package dev.vclip.arch;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package map over the main sources of this module, {@code ../vclip-core} and {@code ../vclip-server}: every
 * package has its {@code <p>May depend on: ...} line, every line names real packages, every arrow is allowed. The
 * rules, and the tests that the checker fails when it should, are in vclip-core's {@link PackageMap} and
 * {@code PackageMapTest}.
 */
class CommandLinePackageMapTest {

    private static PackageMap bothModules() {
        return PackageMap.read(List.of(PackageMap.sourceRoot("vclip-cli"), PackageMap.sourceRoot("vclip-core"),
                PackageMap.sourceRoot("vclip-server")));
    }

    @Test
    void everyPackageOfBothModulesHasAPackageInfoEndingWithWhatItMayDependOn() {
        PackageMap map = bothModules();
        assertTrue(map.packages().keySet().containsAll(List.of("dev.vclip.cli", "dev.vclip.charts", "dev.vclip.bench",
                "dev.vclip", "dev.vclip.model")), "packages found: " + map.packages().keySet());
        assertEquals(List.of(), map.problems(), String.join("\n", map.problems()));
    }

    @Test
    void everyArrowOfBothModulesIsOneThePackageMapAllows() {
        PackageMap map = bothModules();
        assertEquals(List.of(), map.violations(), String.join("\n", map.violations()));
    }

    @Test
    void noLibraryPackageUsesTheCommandLineModule() {
        List<String> wrong = bothModules().arrows().stream()
                .filter(a -> !PackageMapTest.COMMAND_LINE.contains(a.from())
                        && PackageMapTest.COMMAND_LINE.contains(a.to()))
                .map(a -> a.file() + ":" + a.line() + ": " + a.from() + " uses " + a.to()).toList();
        assertEquals(List.of(), wrong);
    }
}
