package dev.vclip.cli;

import dev.vclip.report.Progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

    @Test
    void silentProgressCountsAndPrintsNothing() {
        try (Progress progress = Progress.none()) { // what VCLIP_PROGRESS=off gives
            progress.step();
            progress.stepBy(4);
            progress.message("ignored");
            assertEquals(5, progress.current());
        }
    }

    @Test
    void plainLinesAreAsciiAndEndWithTheFinalState() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Progress progress = ConsoleProgress.lines("encode videos", 3, lines::add, Duration.ofMillis(50))) {
            for (int i = 0; i < 3; i++) {
                progress.step();
            }
        }
        assertFalse(lines.isEmpty());
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("encode videos"), last);
        assertTrue(last.contains("100%") && last.contains("3/3"), last);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7F), "plain ASCII, no \\r or ANSI: " + line);
            assertEquals(line.stripTrailing(), line, "no trailing blanks");
            if (i > 0) {
                assertNotEquals(lines.get(i - 1), line, "no repeated line");
            }
        }
    }

    @Test
    void updatesAreRateLimited() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Progress progress = ConsoleProgress.lines("decode", 100_000, lines::add, Duration.ofSeconds(1))) {
            for (int i = 0; i < 100_000; i++) {
                progress.step();
            }
        }
        assertTrue(lines.size() <= 3, "a fast loop gives a line or two, not one per step: " + lines);
    }

    @Test
    void unknownTotalStillReportsTheCount() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Progress progress = ConsoleProgress.lines("scan", -1, lines::add, Duration.ofMillis(50))) {
            progress.stepBy(42);
        }
        assertTrue(lines.get(lines.size() - 1).contains("42"), lines.toString());
    }
}
