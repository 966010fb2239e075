package dev.vclip.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 CSV reader and writer with line numbers, for the label tables, caption tables and
 * localisation triplets of the original projects (all read there with {@code pandas.read_csv} defaults).
 *
 * <p>Reading:
 * <ul>
 *   <li>fields are separated by {@code ,}; a field that starts with {@code "} is quoted and may contain commas,
 *       line breaks and doubled quotes {@code ""} (one quote);</li>
 *   <li>records end at {@code \n}, {@code \r\n} or a lone {@code \r}; a line break inside a quoted field is kept
 *       as written and counts as a line, so {@link Row#line()} is the true 1-based line where the record
 *       starts;</li>
 *   <li>a UTF-8 byte order mark at the start is dropped; invalid UTF-8 is an error with its line;</li>
 *   <li>blank lines (empty or only spaces and tabs) are skipped, as pandas does ({@code skip_blank_lines=True});
 *       there are no comment lines (pandas' default {@code comment=None});</li>
 *   <li>a quote inside an unquoted field is an ordinary character (as pandas and Python's csv module read it);
 *       anything but a comma or a line end after a closing quote makes the row malformed
 *       ({@link Row#problem()}), and the reader goes on at the next line;</li>
 *   <li>a quoted field that is never closed is fatal: {@link DatasetFormatException} naming the line where the
 *       quote opened, since everything after it would be swallowed.</li>
 * </ul>
 *
 * <p>Writing quotes a field only when it must (comma, quote, line break, or leading/trailing space so that no
 * tool trims it) and ends every record with {@code \n}.
 */
public final class Csv {
    private Csv() {
    }

    /**
     * One record.
     *
     * @param line    1-based line on which the record starts
     * @param fields  the field values, unquoted
     * @param problem null for a well-formed record, otherwise why it is malformed (its fields are then partial)
     */
    public record Row(int line, List<String> fields, String problem) {
        public boolean ok() {
            return problem == null;
        }

        public int size() {
            return fields.size();
        }

        public String get(int index) {
            return fields.get(index);
        }
    }

    /** Reads a file (strict UTF-8, BOM dropped). */
    public static Reader open(Path file) {
        return new Reader(file.toString(), TextFiles.read(file));
    }

    /** Reads text already in memory; {@code fileName} is used in messages. */
    public static Reader of(String fileName, String text) {
        return new Reader(fileName, text.startsWith("\uFEFF") ? text.substring(1) : text);
    }

    /** All rows of a file. */
    public static List<Row> readAll(Path file) {
        Reader reader = open(file);
        List<Row> rows = new ArrayList<>();
        for (Row row = reader.next(); row != null; row = reader.next()) {
            rows.add(row);
        }
        return rows;
    }

    /** Pulls records one at a time; {@link #next()} returns null at the end. */
    public static final class Reader {
        private final String file;
        private final String text;
        private int pos;
        private int line = 1;

        private Reader(String file, String text) {
            this.file = file;
            this.text = text;
        }

        public String file() {
            return file;
        }

        /**
         * The next record, or null at the end of the text.
         *
         * @throws DatasetFormatException for a quoted field that is never closed
         */
        public Row next() {
            skipBlankLines();
            if (pos >= text.length()) {
                return null;
            }
            int startLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            while (true) {
                field.setLength(0);
                if (pos < text.length() && text.charAt(pos) == '"') {
                    int quoteLine = line;
                    pos++;
                    while (true) {
                        if (pos >= text.length()) {
                            throw new DatasetFormatException(file, quoteLine, "unterminated quoted field: the quote"
                                    + " opened on this line is never closed (a quote inside a quoted field is"
                                    + " written as two quotes \"\")");
                        }
                        char c = text.charAt(pos);
                        if (c == '"') {
                            if (pos + 1 < text.length() && text.charAt(pos + 1) == '"') {
                                field.append('"');
                                pos += 2;
                                continue;
                            }
                            pos++;
                            break;
                        }
                        if (c == '\r' || c == '\n') {
                            countLineBreakInside(field);
                            continue;
                        }
                        field.append(c);
                        pos++;
                    }
                    fields.add(field.toString());
                    if (pos < text.length() && text.charAt(pos) != ',' && !atLineEnd()) {
                        String problem = "unexpected character '" + text.charAt(pos) + "' after the closing quote"
                                + " of field " + fields.size() + ": expected ',' or the end of the line (a quote"
                                + " inside a quoted field is written as two quotes \"\")";
                        skipRestOfLine();
                        return new Row(startLine, List.copyOf(fields), problem);
                    }
                } else {
                    while (pos < text.length() && text.charAt(pos) != ',' && !atLineEnd()) {
                        field.append(text.charAt(pos));
                        pos++;
                    }
                    fields.add(field.toString());
                }
                if (pos >= text.length()) {
                    break;
                }
                if (text.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                consumeLineEnd();
                break;
            }
            return new Row(startLine, List.copyOf(fields), null);
        }

        private boolean atLineEnd() {
            char c = text.charAt(pos);
            return c == '\n' || c == '\r';
        }

        private void consumeLineEnd() {
            if (text.charAt(pos) == '\r' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
                pos += 2;
            } else {
                pos++;
            }
            line++;
        }

        private void countLineBreakInside(StringBuilder field) {
            if (text.charAt(pos) == '\r' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
                field.append("\r\n");
                pos += 2;
            } else {
                field.append(text.charAt(pos));
                pos++;
            }
            line++;
        }

        private void skipRestOfLine() {
            while (pos < text.length() && !atLineEnd()) {
                pos++;
            }
            if (pos < text.length()) {
                consumeLineEnd();
            }
        }

        private void skipBlankLines() {
            while (pos < text.length()) {
                int p = pos;
                while (p < text.length() && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
                    p++;
                }
                if (p < text.length() && text.charAt(p) != '\n' && text.charAt(p) != '\r') {
                    return;
                }
                pos = p;
                if (pos < text.length()) {
                    consumeLineEnd();
                }
            }
        }
    }

    /** One record as CSV text, without the line end. */
    public static String formatRecord(List<String> fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(quoteIfNeeded(fields.get(i)));
        }
        return out.toString();
    }

    /** The field as written in CSV: quoted (quotes doubled) when it must be. */
    public static String quoteIfNeeded(String field) {
        boolean needs = !field.isEmpty() && (field.charAt(0) == ' ' || field.charAt(0) == '\t'
                || field.charAt(field.length() - 1) == ' ' || field.charAt(field.length() - 1) == '\t');
        for (int i = 0; i < field.length() && !needs; i++) {
            char c = field.charAt(i);
            needs = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return needs ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }

    /** Records as CSV text, each ended by {@code \n}. */
    public static String format(List<List<String>> records) {
        StringBuilder out = new StringBuilder();
        for (List<String> record : records) {
            out.append(formatRecord(record)).append('\n');
        }
        return out.toString();
    }
}
