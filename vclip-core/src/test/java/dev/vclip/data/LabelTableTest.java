package dev.vclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelTableTest {

    @Test
    void readsQuotedNamesWithCommasAndQuotes() {
        Path file = DataFiles.resource("labels/mixed_labels.csv");
        LabelTable table = LabelTable.read(file);
        assertEquals(5, table.size());
        assertEquals("abseiling", table.name(0));
        assertEquals("Laying something on the table on its side, not upright", table.name(2));
        assertEquals("Pretending to \"poke\" something", table.name(3));
        assertEquals(OptionalInt.of(4), table.idOf("answering questions"));
        assertEquals(OptionalInt.empty(), table.idOf("zumba"));
        assertEquals(5, table.line(3));
        assertEquals(file.toString(), table.source());
    }

    @Test
    void readsCrlfBomAndQuotedNewlinesWithTrueLineNumbers() {
        LabelTable table = LabelTable.read(DataFiles.resource("labels/crlf_bom_labels.csv"));
        assertEquals(List.of("brush hair", "two\r\nlines", "catch"), table.names());
        assertEquals(2, table.line(0));
        assertEquals(3, table.line(1));
        assertEquals(6, table.line(2), "quoted newline on line 3, blank line 5");
    }

    @Test
    void duplicateIdNamesItsLineAndTheFirst() {
        DatasetFormatException e = DataFiles.fails("l.csv", 4, () ->
                LabelTable.parse("l.csv", "id,name\n0,a\n1,b\n1,c\n2,d\n", ParseReport.strict()));
        DataFiles.contains(e, "duplicate class id 1", "line 3");
    }

    @Test
    void gapIsFatalEvenWhenLenient() {
        ParseReport report = ParseReport.lenient();
        DatasetFormatException e = DataFiles.fails("l.csv", 4, () ->
                LabelTable.parse("l.csv", "id,name\n0,a\n1,b\n3,d\n", report));
        DataFiles.contains(e, "class id 3 leaves a gap", "expected id 2");
        DataFiles.fails("l.csv", 2, () -> LabelTable.parse("l.csv", "id,name\n1,a\n0,b\n", report));
    }

    /** A row skipped as malformed, then a gap: the gap's error names the skipped row as its cause. */
    @Test
    void aGapAfterASkippedRowNamesTheSkippedRow() {
        DatasetFormatException e = DataFiles.fails("l.csv", 5, () -> LabelTable.parse("l.csv",
                "id,name\n0,a\n1,b\n2,c,extra\n3,d\n", ParseReport.lenient()));
        DataFiles.contains(e, "class id 3 leaves a gap", "expected id 2", "skipped before it: line 4",
                "expected 2 fields");
    }

    @Test
    void lenientSkipsDuplicatesAndMalformedRowsThatLeaveNoGap() {
        ParseReport report = ParseReport.lenient();
        LabelTable table = LabelTable.parse("l.csv", "id,name\n0,a\n0,again\n1,b,extra\n1,b\n1,\n2,c\n", report);
        assertEquals(List.of("a", "b", "c"), table.names());
        assertEquals(3, report.skippedCount());
        assertEquals(List.of(3, 4, 6), report.problems().stream().map(ParseReport.Problem::line).toList());
        assertTrue(report.problems().get(1).message().contains("must be quoted"), report.problems().get(1).message());
        assertTrue(report.summary().contains("l.csv: 3 records read, 3 skipped"), report.summary());
    }

    @Test
    void nonIntegerAndNegativeIds() {
        DataFiles.contains(DataFiles.fails("l.csv", 3, () ->
                LabelTable.parse("l.csv", "id,name\n0,a\nx,b\n", ParseReport.strict())),
                "class id 'x' is not an integer");
        DataFiles.contains(DataFiles.fails("l.csv", 2, () ->
                LabelTable.parse("l.csv", "id,name\n-1,a\n", ParseReport.strict())), "negative");
    }

    @Test
    void missingNameAndMissingField() {
        DataFiles.contains(DataFiles.fails("l.csv", 2, () ->
                LabelTable.parse("l.csv", "id,name\n0\n", ParseReport.strict())),
                "expected 2 fields 'id,name', found 1");
        DataFiles.contains(DataFiles.fails("l.csv", 2, () ->
                LabelTable.parse("l.csv", "id,name\n0,\n", ParseReport.strict())), "empty name");
    }

    @Test
    void unterminatedQuoteInFile() {
        Path file = DataFiles.resource("bad/unterminated_labels.csv");
        ParseReport report = ParseReport.lenient();
        DatasetFormatException e = DataFiles.fails(file, 5, () -> LabelTable.read(file, report));
        DataFiles.contains(e, "unterminated quoted field");
        assertEquals(1, report.skippedCount(), "the duplicate on line 4 was skipped before the fatal quote");
        assertEquals(4, report.problems().get(0).line());
    }

    @Test
    void headerRules(@TempDir Path dir) {
        DataFiles.contains(DataFiles.fails("l.csv", 1, () ->
                LabelTable.parse("l.csv", "0,abseiling\n1,air drumming\n", ParseReport.strict())),
                "expected the header line 'id,name'", "would be lost");
        DataFiles.contains(DataFiles.fails("l.csv", 1, () ->
                LabelTable.parse("l.csv", "id,name,extra\n0,a,b\n", ParseReport.strict())), "3 columns");
        Path empty = DataFiles.write(dir, "empty.csv", "");
        DataFiles.contains(DataFiles.fails(empty, 0, () -> LabelTable.read(empty)), "empty file");
        DataFiles.contains(DataFiles.fails("l.csv", 0, () ->
                LabelTable.parse("l.csv", "id,name\n\n", ParseReport.strict())), "no classes");
    }

    @Test
    void writeThenReadRoundTrip(@TempDir Path dir) {
        List<String> names = List.of("abseiling", "a, b", "say \"x\"", " padded ", "multi\nline", "ünïcödé");
        LabelTable table = LabelTable.of(names);
        Path file = dir.resolve("labels.csv");
        table.write(file);
        LabelTable back = LabelTable.read(file);
        assertEquals(names, back.names());
        assertEquals(table, back);
        assertEquals(table.toCsv(), LabelTable.read(file).toCsv());
    }

    @Test
    void buildingRejectsEmptyNames() {
        assertThrows(IllegalArgumentException.class, () -> LabelTable.of(List.of("a", "")));
        assertThrows(IllegalArgumentException.class, () -> LabelTable.of(List.of()));
        assertThrows(IndexOutOfBoundsException.class, () -> LabelTable.of(List.of("a")).name(1));
    }
}
