package dev.vclip.arch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package map of vclip's main sources, read from the sources themselves, and the arrows that break it.
 *
 * <p>Every folder of {@code .java} files under a source root is a package, and must have a {@code package-info.java}
 * whose javadoc ends with one line of exactly this form:
 * <pre>
 * &lt;p&gt;May depend on: {&#64;code dev.vclip.a}, {&#64;code dev.vclip.b.c}.
 * &lt;p&gt;May depend on: nothing in vclip.
 * </pre>
 * An arrow is a reference from a main {@code .java} file of package P to a class of another {@code dev.vclip}
 * package Q: an {@code import}, an {@code import static}, an on-demand import ({@code import dev.vclip.q.*}) or a
 * fully qualified name in code ({@code extends dev.vclip.VclipException}). Comments, string and character literals
 * and text blocks are skipped. The arrow is allowed when Q is P itself or Q is listed in P's line. Nothing else is
 * implied: a parent package does not allow its subpackages nor a subpackage its parent ({@code dev.vclip.weights}
 * lists {@code dev.vclip.weights.pytorch} to use it), and the root package {@code dev.vclip}
 * ({@code VclipException}) is listed by every package that uses it, so the map shows who throws vclip's exceptions.
 * Names are package names only (lower case segments, then a capitalised class name); JDK and third-party imports are
 * not this map's business.
 */
final class PackageMap {

    /** The last line of a package-info's javadoc. */
    static final Pattern LINE = Pattern.compile(
            "<p>May depend on: (nothing in vclip|\\{@code [a-z][a-z0-9_.]*}(, \\{@code [a-z][a-z0-9_.]*})*)\\.?");
    private static final Pattern CODE = Pattern.compile("\\{@code ([a-z][a-z0-9_.]*)}");
    /** {@code dev.vclip[.pkg]*} followed by {@code .Class}: the package part of a qualified class name. */
    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.])(dev\\.vclip(?:\\.[a-z_][a-z0-9_]*)*)\\s*\\.\\s*[A-Z]");
    /** {@code import dev.vclip.pkg.*;} (an on-demand import of a package's classes). */
    private static final Pattern ON_DEMAND = Pattern.compile(
            "\\bimport\\s+(dev\\.vclip(?:\\.[a-z_][a-z0-9_]*)*)\\s*\\.\\s*\\*\\s*;");

    /** One package: where it is, its Java files, and its line (null when missing or malformed). */
    record Package(String name, Path dir, List<Path> files, Set<String> allowed) {
    }

    /** An arrow from a file to another package, at the first line it shows. */
    record Arrow(Path file, int line, String from, String to) {
    }

    private final Map<String, Package> packages;
    private final List<String> problems;

    private PackageMap(Map<String, Package> packages, List<String> problems) {
        this.packages = packages;
        this.problems = problems;
    }

    /** Reads every package under the source roots (e.g. {@code src/main/java}). */
    static PackageMap read(List<Path> roots) {
        Map<String, Package> packages = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException("no source root " + root.toAbsolutePath());
            }
            Map<Path, List<Path>> byDir = new TreeMap<>();
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p)).sorted()
                        .forEach(p -> byDir.computeIfAbsent(p.getParent(), d -> new ArrayList<>()).add(p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (Map.Entry<Path, List<Path>> e : byDir.entrySet()) {
                String name = root.relativize(e.getKey()).toString().replace(root.getFileSystem().getSeparator(), ".");
                Path info = e.getKey().resolve("package-info.java");
                Set<String> allowed = null;
                if (!Files.isRegularFile(info)) {
                    problems.add(name + ": no package-info.java in " + e.getKey()
                            + " (say what the package is for and end its javadoc with '<p>May depend on: ...')");
                } else {
                    allowed = allowedBy(info, name, problems);
                }
                if (packages.containsKey(name)) {
                    problems.add(name + ": in two source roots, " + packages.get(name).dir() + " and " + e.getKey());
                }
                packages.put(name, new Package(name, e.getKey(), e.getValue(), allowed));
            }
        }
        for (Package p : packages.values()) {
            if (p.allowed() == null) {
                continue;
            }
            for (String q : p.allowed()) {
                if (q.equals(p.name())) {
                    problems.add(p.name() + ": package-info.java lists the package itself (a package may always use "
                            + "itself)");
                } else if (!packages.containsKey(q)) {
                    problems.add(p.name() + ": package-info.java allows " + q + ", which is no package of "
                            + roots);
                }
            }
        }
        return new PackageMap(packages, problems);
    }

    /** The packages listed by the last line of {@code info}'s javadoc; null (and a problem) when it has none. */
    private static Set<String> allowedBy(Path info, String name, List<String> problems) {
        String text = readString(info);
        int end = text.indexOf("*/");
        int start = text.lastIndexOf("/**", end);
        if (start < 0 || end < 0) {
            problems.add(name + ": " + info + " has no javadoc; end it with '<p>May depend on: ...'");
            return null;
        }
        String last = "";
        for (String line : text.substring(start + 3, end).split("\n")) {
            String stripped = line.strip();
            stripped = stripped.startsWith("*") ? stripped.substring(1).strip() : stripped;
            if (!stripped.isEmpty()) {
                last = stripped;
            }
        }
        Matcher m = LINE.matcher(last);
        if (!m.matches()) {
            problems.add(name + ": the javadoc of " + info + " must end with one line '<p>May depend on: {@code "
                    + "dev.vclip.x}, {@code dev.vclip.y}.' or '<p>May depend on: nothing in vclip.', not '" + last
                    + "'");
            return null;
        }
        Set<String> allowed = new LinkedHashSet<>();
        Matcher code = CODE.matcher(last);
        while (code.find()) {
            allowed.add(code.group(1));
        }
        return allowed;
    }

    Map<String, Package> packages() {
        return packages;
    }

    /** Missing or malformed package-info files and lines that name no package. */
    List<String> problems() {
        return problems;
    }

    /** Every arrow of every file to another vclip package, allowed or not, in file order. */
    List<Arrow> arrows() {
        List<Arrow> arrows = new ArrayList<>();
        for (Package p : packages.values()) {
            for (Path file : p.files()) {
                arrows.addAll(arrowsOf(file, p.name()));
            }
        }
        return arrows;
    }

    /** The arrows the map does not allow, each as a message naming file, line, package and what is allowed. */
    List<String> violations() {
        List<String> out = new ArrayList<>();
        for (Arrow a : arrows()) {
            Set<String> allowed = packages.get(a.from()).allowed();
            if (allowed != null && !allowed.contains(a.to())) {
                out.add(a.file() + ":" + a.line() + ": " + a.from() + " uses " + a.to() + ", but its "
                        + "package-info.java allows only " + (allowed.isEmpty() ? "nothing in vclip" : allowed)
                        + " (list " + a.to() + " there if the design wants this arrow, or move the code)");
            }
        }
        return out;
    }

    /** The other vclip packages {@code file} (of package {@code from}) uses, once each, at their first line. */
    static List<Arrow> arrowsOf(Path file, String from) {
        String code = codeOnly(readString(file));
        Map<String, Integer> first = new TreeMap<>();
        for (Pattern pattern : List.of(QUALIFIED, ON_DEMAND)) {
            Matcher m = pattern.matcher(code);
            while (m.find()) {
                String to = m.group(1).replaceAll("\\s", "");
                if (!to.equals(from)) {
                    first.merge(to, lineOf(code, m.start()), Math::min);
                }
            }
        }
        List<Arrow> arrows = new ArrayList<>();
        first.forEach((to, line) -> arrows.add(new Arrow(file, line, from, to)));
        arrows.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return arrows;
    }

    /** Which packages use which, as a sorted map (for reports). */
    Map<String, Set<String>> graph() {
        Map<String, Set<String>> g = new TreeMap<>();
        for (String p : packages.keySet()) {
            g.put(p, new TreeSet<>());
        }
        for (Arrow a : arrows()) {
            g.get(a.from()).add(a.to());
        }
        return g;
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * {@code source} with comments, string and character literals and text blocks blanked out (newlines kept, so
     * line numbers stay right).
     */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                while (i < n && source.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(source, i, end, out);
                i = end;
            } else if (source.startsWith("\"\"\"", i)) {
                int j = i + 3;
                while (j < n && !source.startsWith("\"\"\"", j)) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                int end = Math.min(n, j + 3);
                blank(source, i, end, out);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c && source.charAt(j) != '\n') {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                int end = Math.min(n, j + 1);
                blank(source, i, end, out);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(String source, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            out.append(source.charAt(k) == '\n' ? '\n' : ' ');
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A source root of this checkout, found from the module folder Maven runs the tests in. */
    static Path sourceRoot(String module) {
        Path base = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        for (Path p = base; p != null; p = p.getParent()) {
            Path candidate = p.getFileName() != null && p.getFileName().toString().equals(module)
                    ? p.resolve("src/main/java") : p.resolve(module).resolve("src/main/java");
            if (Files.isDirectory(candidate.resolve("dev/vclip"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + module + "/src/main/java above " + base);
    }
}
