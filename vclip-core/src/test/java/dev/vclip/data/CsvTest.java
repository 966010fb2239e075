package dev.vclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {

    private static List<Csv.Row> rows(String text) {
        Csv.Reader reader = Csv.of("t.csv", text);
        List<Csv.Row> rows = new ArrayList<>();
        for (Csv.Row row = reader.next(); row != null; row = reader.next()) {
            rows.add(row);
        }
        return rows;
    }

    @Test
    void quotedFieldsEscapedQuotesAndLineNumbersAcrossQuotedNewlines() {
        List<Csv.Row> rows = rows("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\r\nlast,\"\"\n");
        assertEquals(4, rows.size());
        assertEquals(List.of("a", "b"), rows.get(0).fields());
        assertEquals(List.of("x, y", "say \"hi\""), rows.get(1).fields());
        assertEquals(2, rows.get(1).line());
        assertEquals(List.of("two\nlines", "z"), rows.get(2).fields());
        assertEquals(3, rows.get(2).line());
        assertEquals(List.of("last", ""), rows.get(3).fields());
        assertEquals(5, rows.get(3).line(), "the quoted newline of line 3 moves the next record to line 5");
    }

    @Test
    void crlfLoneCrBomAndBlankLines() {
        List<Csv.Row> rows = rows("\uFEFFh1,h2\r\n\r\n  \r\n1,2\r3,4");
        assertEquals(3, rows.size());
        assertEquals(List.of("h1", "h2"), rows.get(0).fields());
        assertEquals(List.of("1", "2"), rows.get(1).fields());
        assertEquals(4, rows.get(1).line());
        assertEquals(List.of("3", "4"), rows.get(2).fields());
        assertEquals(5, rows.get(2).line());
    }

    @Test
    void quoteInsideUnquotedFieldIsLiteralAndEmptyFieldsAreKept() {
        List<Csv.Row> rows = rows("ab\"c,,\n");
        assertEquals(List.of("ab\"c", "", ""), rows.get(0).fields());
    }

    @Test
    void textAfterClosingQuoteIsARowProblemAndReadingGoesOn() {
        List<Csv.Row> rows = rows("a,b\n\"x\"y,2\nok,3\n");
        assertFalse(rows.get(1).ok());
        assertEquals(2, rows.get(1).line());
        assertTrue(rows.get(1).problem().contains("after the closing quote"), rows.get(1).problem());
        assertTrue(rows.get(2).ok());
        assertEquals(List.of("ok", "3"), rows.get(2).fields());
        assertEquals(3, rows.get(2).line());
    }

    @Test
    void unterminatedQuoteNamesTheLineWhereItOpened() {
        Csv.Reader reader = Csv.of("t.csv", "a,b\n1,2\n3,\"open\n4,5\n6,7\n");
        reader.next();
        reader.next();
        DatasetFormatException e = DataFiles.fails("t.csv", 3, reader::next);
        DataFiles.contains(e, "unterminated quoted field");
    }

    @Test
    void emptyTextHasNoRows() {
        assertNull(Csv.of("t.csv", "").next());
        assertNull(Csv.of("t.csv", "\n\n").next());
    }

    @Test
    void invalidUtf8NamesItsLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.csv");
        Files.write(file, new byte[]{'a', ',', 'b', '\n', 'c', ',', (byte) 0xC3, '(', '\n'});
        DatasetFormatException e = DataFiles.fails(file, 2, () -> Csv.open(file));
        DataFiles.contains(e, "not valid UTF-8");
    }

    @Test
    void formatQuotesOnlyWhatMustBeQuotedAndReadsBack() {
        List<String> fields = List.of("plain", "with, comma", "say \"hi\"", "two\nlines", " padded ", "", "cr\rlf");
        String line = Csv.formatRecord(fields);
        assertEquals("plain,\"with, comma\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded \",,\"cr\rlf\"", line);
        List<Csv.Row> rows = rows(line + "\n");
        assertEquals(1, rows.size());
        assertEquals(fields, rows.get(0).fields());
    }

    @Test
    void readAllFromFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.csv");
        Files.writeString(file, "a,b\n1,2\n", StandardCharsets.UTF_8);
        assertEquals(2, Csv.readAll(file).size());
    }
}
