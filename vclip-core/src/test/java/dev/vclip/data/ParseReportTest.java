package dev.vclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ParseReportTest {

    @Test
    void strictThrowsWithFileAndLine() {
        ParseReport strict = ParseReport.strict();
        DatasetFormatException e = DataFiles.fails("x.txt", 12, () -> strict.skip("x.txt", 12, "bad"));
        assertEquals("x.txt:12: bad", e.getMessage());
        assertEquals("bad", e.detail());
        assertTrue(strict.isStrict());
    }

    @Test
    void lenientCountsEverythingButKeepsABoundedNumber() {
        ParseReport report = ParseReport.lenient(2);
        for (int i = 1; i <= 5; i++) {
            report.skip("big.txt", i, "problem " + i);
        }
        report.skip("other.txt", 9, "x");
        assertEquals(6, report.skippedCount());
        assertEquals(5, report.skippedCount("big.txt"));
        assertEquals(2, report.problems().size());
        assertFalse(report.isClean());
        String summary = report.summary();
        assertTrue(summary.contains("big.txt:1: problem 1"), summary);
        assertTrue(summary.contains("... and 4 more problems not kept"), summary);
        assertTrue(summary.contains("other.txt: 0 records read, 1 skipped"), summary);
    }

    @Test
    void wholeFileProblemsHaveNoLineNumber() {
        DatasetFormatException e = new DatasetFormatException("f.csv", 0, "empty file");
        assertEquals("f.csv: empty file", e.getMessage());
        assertTrue(ParseReport.lenient().isClean());
    }
}
