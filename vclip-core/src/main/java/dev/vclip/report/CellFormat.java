package dev.vclip.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.Locale;

/**
 * How values read in tables, cards and console output. One place, so the HTML page and the console table of a run
 * show the same digits. {@link Locale#ROOT} everywhere: a report must not say {@code 0,734} on a German machine.
 */
final class CellFormat {

    private CellFormat() {
    }

    /** Text for one value; {@code null} is an empty cell. */
    static String format(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Percent percent) {
            return percent(percent.fraction());
        }
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            return decimal(((Number) value).doubleValue());
        }
        if (value instanceof Number) {
            return value.toString(); // the integer types, AtomicLong and BigInteger included
        }
        if (value instanceof Duration duration) {
            return duration(duration);
        }
        return singleLine(value.toString());
    }

    /** Whether a value is a quantity, so its column is right-aligned. */
    static boolean isNumeric(Object value) {
        return value instanceof Number || value instanceof Percent || value instanceof Duration;
    }

    /**
     * A summary figure with its unit: {@code "%"} means the value is a fraction shown as a percentage; any other
     * unit follows the number after a space ({@code 12.5 s}).
     */
    static String withUnit(Object value, String unit) {
        if (unit == null || unit.isEmpty()) {
            return summaryValue(value);
        }
        if (unit.equals("%") && value instanceof Number number) {
            return percent(number.doubleValue());
        }
        return summaryValue(value) + " " + singleLine(unit);
    }

    /**
     * A value on its own (a summary card) rather than in a column: no trailing zeros, which in a column keep the
     * digits aligned but alone only look odd ({@code 12.5}, not {@code 12.500}).
     */
    static String summaryValue(Object value) {
        String text = format(value);
        boolean fixedPointFloat = (value instanceof Double || value instanceof Float || value instanceof BigDecimal)
                && text.indexOf('.') >= 0 && text.indexOf('e') < 0;
        if (!fixedPointFloat) {
            return text;
        }
        int end = text.length();
        while (text.charAt(end - 1) == '0') {
            end--;
        }
        if (text.charAt(end - 1) == '.') {
            end--;
        }
        return text.substring(0, end);
    }

    /**
     * Four significant digits or so, as fixed-point where that reads well: {@code 0.7342}, {@code 2.346},
     * {@code 123.5}; scientific outside [1e-4, 1e6) where fixed-point would show zeros or a wall of digits.
     */
    static String decimal(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        double magnitude = Math.abs(value);
        if (magnitude == 0) {
            return "0";
        }
        if (magnitude >= 1e6 || magnitude < 1e-4) {
            return String.format(Locale.ROOT, "%.3e", value);
        }
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 1) {
            return String.format(Locale.ROOT, "%.3f", value);
        }
        return String.format(Locale.ROOT, "%.4f", value);
    }

    /** {@code 73.4%}; a tiny non-zero share keeps two significant digits ({@code 0.042%}) rather than {@code 0.0%}. */
    static String percent(double fraction) {
        if (Double.isNaN(fraction) || Double.isInfinite(fraction)) {
            return decimal(fraction);
        }
        double percent = fraction * 100;
        if (percent != 0 && Math.abs(percent) < 0.1) {
            return new BigDecimal(percent).round(new MathContext(2)).stripTrailingZeros().toPlainString() + "%";
        }
        return String.format(Locale.ROOT, "%.1f%%", percent);
    }

    /** {@code 850 ms}, {@code 12.3 s}, {@code 4m 05s}, {@code 2h 03m 04s}. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = duration.toSeconds();
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh %02dm %02ds", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    /**
     * Control characters (a newline in a file name, a tab in a caption) become spaces: one cell stays one line,
     * so console columns stay aligned.
     */
    static String singleLine(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append(' ');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
