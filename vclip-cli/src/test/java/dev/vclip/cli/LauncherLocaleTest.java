package dev.vclip.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher's locale rule ({@code scripts/utf8-locale.sh}, sourced by {@code ./vclip}): without a UTF-8 locale a
 * JVM cannot open a non-ASCII path, so the launcher sets C.UTF-8 then; a UTF-8 locale the user has is kept. Shown
 * end to end: a child JVM under LC_ALL=C cannot see a file named "vidéo.mp4", under the launcher's locale it can.
 */
class LauncherLocaleTest {
    @TempDir
    Path dir;

    private static String localeAfterLauncher(Map<String, String> env) throws IOException, InterruptedException {
        Path script = repository().resolve("scripts/utf8-locale.sh");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". '" + script + "'; printf %s \"${LC_ALL:-}\"");
        pb.environment().remove("LC_ALL");
        pb.environment().remove("LC_CTYPE");
        pb.environment().remove("LANG");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        return out;
    }

    private static Path repository() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("vclip")) && Files.isDirectory(p.resolve("scripts"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found");
    }

    @Test
    void withoutAUtf8LocaleTheLauncherSetsOneAndKeepsTheUsers() throws Exception {
        assertEquals("C.UTF-8", localeAfterLauncher(Map.of("LC_ALL", "C")));
        assertEquals("C.UTF-8", localeAfterLauncher(Map.of()));
        assertEquals("C.UTF-8", localeAfterLauncher(Map.of("LANG", "POSIX")));
        assertEquals("en_US.UTF-8", localeAfterLauncher(Map.of("LC_ALL", "en_US.UTF-8")));
        assertEquals("", localeAfterLauncher(Map.of("LANG", "de_DE.utf8")));
        assertTrue(Files.readString(repository().resolve("vclip")).contains("scripts/utf8-locale.sh"),
                "./vclip sources it");
    }

    @Test
    void aJvmFindsANonAsciiPathOnlyUnderAUtf8Locale() throws Exception {
        // the file is made from its UTF-8 bytes by bash, whatever this JVM's own locale is
        Process make = new ProcessBuilder("bash", "-c", "printf x > \"$0/vid$(printf '\\303\\251')o.mp4\"",
                dir.toString()).start();
        assertEquals(0, make.waitFor());
        assertEquals("false", exists(dir, "C"));
        assertEquals("true", exists(dir, "C.UTF-8"));
    }

    /** Whether a child JVM under {@code locale} sees the file "vidéo.mp4" in {@code folder}. */
    private static String exists(Path folder, String locale) throws IOException, InterruptedException {
        Path src = folder.resolve("Exists.java");
        Files.writeString(src, "public class Exists { public static void main(String[] a) { boolean seen;"
                + " try { seen = java.nio.file.Files.exists(java.nio.file.Path.of(a[0], \"vid\\u00e9o.mp4\"));"
                + " } catch (RuntimeException e) { seen = false; } System.out.print(seen); } }");
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), src.toString(), folder.toString()));
        pb.environment().put("LC_ALL", locale);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out.endsWith("true") ? "true" : out.endsWith("false") ? "false" : out;
    }
}
