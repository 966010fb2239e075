package dev.vclip.arch;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package map over the four modules' main sources (this module's, {@code ../vclip-spark}'s,
 * {@code ../vclip-server}'s and {@code ../vclip-core}'s): every package has its
 * {@code <p>May depend on: ...} line, every line names real packages, every arrow is allowed. The rules, and the tests
 * that the checker fails when it should, are in vclip-core's {@link PackageMap} and {@code PackageMapTest}.
 */
class CommandLinePackageMapTest {

    private static PackageMap bothModules() {
        return PackageMap.read(List.of(PackageMap.sourceRoot("vclip-cli"), PackageMap.sourceRoot("vclip-spark"),
                PackageMap.sourceRoot("vclip-server"), PackageMap.sourceRoot("vclip-core")));
    }

    @Test
    void everyPackageOfBothModulesHasAPackageInfoEndingWithWhatItMayDependOn() {
        PackageMap map = bothModules();
        assertTrue(map.packages().keySet().containsAll(List.of("dev.vclip.cli", "dev.vclip.charts", "dev.vclip.bench",
                "dev.vclip", "dev.vclip.model", "dev.vclip.search", "dev.vclip.server", "dev.vclip.spark")), "packages found: " + map.packages().keySet());
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
