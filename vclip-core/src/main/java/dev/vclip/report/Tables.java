package dev.vclip.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Aligned plain-text tables for the console:
 *
 * <pre>
 * class         videos  accuracy
 * ------------  ------  --------
 * circle left       12    0.9167
 * square right       9     77.8%
 * </pre>
 *
 * Columns whose cells are all quantities (numbers, {@link Percent}s, durations; empty cells aside) are
 * right-aligned, header included, so digits line up; text columns are left-aligned. Values read as in the HTML
 * report: floats to about four significant digits, percentages with one decimal.
 */
public final class Tables {

    private static final String COLUMN_GAP = "  ";

    private Tables() {
    }

    /**
     * The table as lines ending in {@code \n}, with no trailing spaces.
     *
     * @param rows each row holds one value per header; {@code null} is an empty cell
     * @throws IllegalArgumentException when a row's length differs from the number of headers
     */
    public static String render(List<String> headers, List<? extends List<?>> rows) {
        checkShape(headers, rows);
        int columns = headers.size();
        List<String[]> cells = new ArrayList<>(rows.size());
        for (List<?> row : rows) {
            String[] texts = new String[columns];
            for (int c = 0; c < columns; c++) {
                texts[c] = CellFormat.format(row.get(c));
            }
            cells.add(texts);
        }
        boolean[] numeric = numericColumns(columns, rows);
        int[] widths = new int[columns];
        for (int c = 0; c < columns; c++) {
            widths[c] = CellFormat.singleLine(headers.get(c)).length();
            for (String[] row : cells) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }

        StringBuilder out = new StringBuilder();
        String[] headerTexts = headers.stream().map(CellFormat::singleLine).toArray(String[]::new);
        appendLine(out, headerTexts, widths, numeric);
        String[] rules = new String[columns];
        for (int c = 0; c < columns; c++) {
            rules[c] = "-".repeat(widths[c]);
        }
        appendLine(out, rules, widths, numeric);
        for (String[] row : cells) {
            appendLine(out, row, widths, numeric);
        }
        return out.toString();
    }

    /** Rejects ragged rows up front: a missing cell would shift every later column. */
    static void checkShape(List<String> headers, List<? extends List<?>> rows) {
        if (headers.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).size() != headers.size()) {
                throw new IllegalArgumentException("row " + r + " has " + rows.get(r).size() + " cells but there are "
                        + headers.size() + " columns " + headers);
            }
        }
    }

    /** A column is numeric when it holds at least one quantity and nothing but quantities and empty cells. */
    static boolean[] numericColumns(int columns, List<? extends List<?>> rows) {
        boolean[] numeric = new boolean[columns];
        for (int c = 0; c < columns; c++) {
            boolean sawQuantity = false;
            boolean allQuantities = true;
            for (List<?> row : rows) {
                Object value = row.get(c);
                if (value == null) {
                    continue;
                }
                if (CellFormat.isNumeric(value)) {
                    sawQuantity = true;
                } else {
                    allQuantities = false;
                    break;
                }
            }
            numeric[c] = sawQuantity && allQuantities;
        }
        return numeric;
    }

    private static void appendLine(StringBuilder out, String[] texts, int[] widths, boolean[] rightAligned) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < texts.length; c++) {
            if (c > 0) {
                line.append(COLUMN_GAP);
            }
            String padding = " ".repeat(widths[c] - texts[c].length());
            if (rightAligned[c]) {
                line.append(padding).append(texts[c]);
            } else {
                line.append(texts[c]).append(padding);
            }
        }
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        out.append(line, 0, end).append('\n');
    }
}
