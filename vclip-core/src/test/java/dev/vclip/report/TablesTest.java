package dev.vclip.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TablesTest {

    @Test
    void alignsTextLeftAndNumbersRight() {
        String table = Tables.render(List.of("class", "videos", "accuracy"), List.of(
                List.of("circle left", 12, 0.91666),
                List.of("square moving right", 9, Percent.of(0.7778)),
                Arrays.asList("triangle", 110, null)));
        String expected = String.join("\n",
                "class                videos  accuracy",
                "-------------------  ------  --------",
                "circle left              12    0.9167",
                "square moving right       9     77.8%",
                "triangle                110",
                "");
        assertEquals(expected, table);
    }

    @Test
    void everyLineHasTheSameColumnStarts() {
        String table = Tables.render(List.of("name", "loss", "time"), List.of(
                List.of("a", 2.345678, Duration.ofMillis(850)),
                List.of("a much longer name", 123456.0, Duration.ofSeconds(245)),
                List.of("b", 1e-7, Duration.ofSeconds(7384))));
        List<String> lines = table.lines().toList();
        assertEquals(5, lines.size());
        int[][] columns = dashRuns(lines.get(1));
        assertEquals(3, columns.length);
        for (String line : lines.subList(2, lines.size())) {
            // text starts at its column's start; numbers end at their column's end
            assertTrue(line.charAt(columns[0][0]) != ' ', line);
            for (int c = 1; c < 3; c++) {
                int end = columns[c][1];
                assertTrue(line.charAt(end - 1) != ' ', line);
                assertTrue(end == line.length() || line.charAt(end) == ' ', line);
            }
        }
        assertTrue(table.contains("2.346"), table);
        assertTrue(table.contains("123456.0"), table);
        assertTrue(table.contains("1.000e-07"), table);
        assertTrue(table.contains("850 ms") && table.contains("4m 05s") && table.contains("2h 03m 04s"), table);
    }

    /** {start, end} of each run of dashes in the rule under the header. */
    private static int[][] dashRuns(String rule) {
        return java.util.regex.Pattern.compile("-+").matcher(rule).results()
                .map(m -> new int[]{m.start(), m.end()}).toArray(int[][]::new);
    }

    @Test
    void keepsOneRowOneLineAndRejectsRaggedRows() {
        String table = Tables.render(List.of("file"), List.of(List.of("bad\nname\t.mp4")));
        assertEquals(3, table.lines().count(), table);
        assertTrue(table.contains("bad name .mp4"), table);
        assertTrue(table.lines().noneMatch(line -> line.endsWith(" ")), "no trailing spaces");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tables.render(List.of("a", "b"), List.of(List.of(1, 2), List.of(3))));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    }

    @Test
    void formatsFloatsAndPercentagesSensibly() {
        assertEquals("0.7342", CellFormat.format(0.73421));
        assertEquals("2.346", CellFormat.format(2.345678f));
        assertEquals("0", CellFormat.format(0.0));
        assertEquals("NaN", CellFormat.format(Double.NaN));
        assertEquals("73.4%", CellFormat.format(Percent.of(0.734)));
        assertEquals("100.0%", Percent.of(1).toString());
        assertEquals("0.042%", Percent.of(0.00042).toString());
        assertEquals("73.4%", CellFormat.withUnit(0.734, "%"));
        assertEquals("12.5 s", CellFormat.withUnit(12.5, "s"));
        assertEquals("0.734", CellFormat.withUnit(0.734, ""));
        assertEquals("120", CellFormat.withUnit(120.0, ""));
        assertEquals("1.000e-07", CellFormat.withUnit(1e-7, ""));
        assertEquals("132", CellFormat.withUnit(132, ""));
    }
}
