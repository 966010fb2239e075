package dev.vclip.arch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library's package map ({@code <p>May depend on: ...} in every {@code package-info.java}) is complete and true,
 * and the library names nothing of the command-line module. vclip-cli's {@code CommandLinePackageMapTest} checks
 * both modules' sources together. The rules are {@link PackageMap}'s; the tests at the end prove the checker fails
 * when it should.
 */
class PackageMapTest {

    /** The command-line module's packages: the library must never use them. */
    static final Set<String> COMMAND_LINE = Set.of("dev.vclip.cli", "dev.vclip.charts", "dev.vclip.bench");

    @TempDir
    Path dir;

    @Test
    void everyLibraryPackageHasAPackageInfoEndingWithWhatItMayDependOn() {
        PackageMap map = PackageMap.read(List.of(PackageMap.sourceRoot("vclip-core")));
        assertTrue(map.packages().size() >= 12, "packages found: " + map.packages().keySet());
        assertEquals(List.of(), map.problems(), String.join("\n", map.problems()));
    }

    @Test
    void everyArrowBetweenLibraryPackagesIsOneThePackageMapAllows() {
        PackageMap map = PackageMap.read(List.of(PackageMap.sourceRoot("vclip-core")));
        assertTrue(map.arrows().size() > 20, "arrows found: " + map.graph());
        assertEquals(List.of(), map.violations(), String.join("\n", map.violations()));
    }

    @Test
    void theLibraryUsesNothingOfTheCommandLineModule() {
        PackageMap map = PackageMap.read(List.of(PackageMap.sourceRoot("vclip-core")));
        List<String> wrong = map.arrows().stream().filter(a -> COMMAND_LINE.contains(a.to()))
                .map(a -> a.file() + ":" + a.line() + ": " + a.to()).toList();
        assertEquals(List.of(), wrong);
        for (PackageMap.Package p : map.packages().values()) {
            Set<String> allowed = p.allowed() == null ? Set.of() : p.allowed();
            assertTrue(allowed.stream().noneMatch(COMMAND_LINE::contains), p.name() + " allows " + allowed);
        }
    }

    // --- the checker itself, on small source trees written here ---

    @Test
    void aForbiddenImportIsReportedWithFileLineAndWhatIsAllowed() throws IOException {
        Path root = dir.resolve("src");
        packageInfo(root, "dev.vclip.low", "<p>May depend on: nothing in vclip.");
        packageInfo(root, "dev.vclip.high", "<p>May depend on: {@code dev.vclip.low}.");
        source(root, "dev.vclip.high", "High", "import dev.vclip.low.Low;\n");
        Path bad = source(root, "dev.vclip.low", "Low", "import java.util.List;\nimport dev.vclip.high.High;\n");
        PackageMap map = PackageMap.read(List.of(root));
        assertEquals(List.of(), map.problems());
        assertEquals(1, map.violations().size(), map.violations().toString());
        String v = map.violations().get(0);
        assertTrue(v.startsWith(bad + ":4: dev.vclip.low uses dev.vclip.high"), v);
        assertTrue(v.contains("allows only nothing in vclip"), v);
    }

    @Test
    void staticImportsOnDemandImportsAndQualifiedNamesInCodeAreArrowsButCommentsAndStringsAreNot()
            throws IOException {
        Path root = dir.resolve("src");
        for (String p : List.of("dev.vclip", "dev.vclip.a", "dev.vclip.b", "dev.vclip.c", "dev.vclip.d",
                "dev.vclip.e", "dev.vclip.f")) {
            packageInfo(root, p, "<p>May depend on: nothing in vclip.");
        }
        source(root, "dev.vclip.a", "A", String.join("\n",
                "import static dev.vclip.b.B.helper;",
                "import dev.vclip.c.*;",
                "// import dev.vclip.e.E;",
                "/* dev.vclip.e.E */",
                "/** {@link dev.vclip.e.E} */",
                "class Inner extends dev.vclip.VclipException {",
                "  String s = \"dev.vclip.e.E\";",
                "  char q = '\"';",
                "  String t = \"\"\"",
                "      dev.vclip.f.F",
                "      \"\"\";",
                "  Object o = new dev.vclip.d.D();",
                "}", ""));
        PackageMap map = PackageMap.read(List.of(root));
        Map<String, Integer> lines = map.arrows().stream()
                .collect(Collectors.toMap(PackageMap.Arrow::to, PackageMap.Arrow::line));
        assertEquals(Map.of("dev.vclip.b", 3, "dev.vclip.c", 4, "dev.vclip", 8, "dev.vclip.d", 14), lines);
        assertEquals(4, map.violations().size(), String.join("\n", map.violations()));
    }

    @Test
    void aParentPackageDoesNotAllowItsSubpackagesNorASubpackageItsParent() throws IOException {
        Path root = dir.resolve("src");
        packageInfo(root, "dev.vclip.w", "<p>May depend on: nothing in vclip.");
        packageInfo(root, "dev.vclip.w.sub", "<p>May depend on: {@code dev.vclip.w}.");
        source(root, "dev.vclip.w", "W", "import dev.vclip.w.sub.Sub;\n");
        source(root, "dev.vclip.w.sub", "Sub", "import dev.vclip.w.W;\n");
        PackageMap map = PackageMap.read(List.of(root));
        assertEquals(1, map.violations().size(), map.violations().toString());
        assertTrue(map.violations().get(0).contains("dev.vclip.w uses dev.vclip.w.sub"), map.violations().get(0));
    }

    @Test
    void aMissingPackageInfoAMissingLineAndAnUnknownPackageAreProblems() throws IOException {
        Path root = dir.resolve("src");
        source(root, "dev.vclip.bare", "Bare", "");
        packageInfo(root, "dev.vclip.prose", "<p>Depends on {@code dev.vclip.bare} only.");
        packageInfo(root, "dev.vclip.typo", "<p>May depend on: {@code dev.vclip.bar}.");
        packageInfo(root, "dev.vclip.wrapped", "<p>May depend on: {@code dev.vclip.bare},\n * {@code dev.vclip.typo}.");
        List<String> problems = PackageMap.read(List.of(root)).problems();
        assertEquals(4, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).startsWith("dev.vclip.bare: no package-info.java"), problems.get(0));
        assertTrue(problems.get(1).startsWith("dev.vclip.prose: the javadoc of"), problems.get(1));
        assertTrue(problems.get(2).startsWith("dev.vclip.wrapped: the javadoc of"), problems.get(2));
        assertTrue(problems.get(3).startsWith("dev.vclip.typo: package-info.java allows dev.vclip.bar, which is"),
                problems.get(3));
    }

    private static void packageInfo(Path root, String pkg, String lastLine) throws IOException {
        Path d = Files.createDirectories(root.resolve(pkg.replace('.', '/')));
        Files.writeString(d.resolve("package-info.java"),
                "/**\n * What the package is for.\n *\n * " + lastLine + "\n */\npackage " + pkg + ";\n");
    }

    private static Path source(Path root, String pkg, String name, String body) throws IOException {
        Path d = Files.createDirectories(root.resolve(pkg.replace('.', '/')));
        return Files.writeString(d.resolve(name + ".java"), "package " + pkg + ";\n\n" + body
                + (body.contains("class ") ? "" : "final class " + name + " {\n}\n"));
    }
}
