package dev.vclip.report;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A fraction that people should read as a percentage: {@code Percent.of(0.734)} shows as {@code 73.4%} in tables
 * and cards, and is written to JSON as the plain fraction {@code 0.734} so machines need no parsing.
 */
public record Percent(double fraction) {

    /**
     * The JSON key that says how the rates beside it are written, with its one value: {@code "rate_unit": "fraction"}
     * (0.523 is 52.3 %). Every JSON document and log line vclip writes with rates in it carries it.
     */
    public static final String UNIT_KEY = "rate_unit";
    /** See {@link #UNIT_KEY}. */
    public static final String UNIT = "fraction";

    public static Percent of(double fraction) {
        return new Percent(fraction);
    }

    /** The JSON form: the fraction itself. */
    @JsonValue
    @Override
    public double fraction() {
        return fraction;
    }

    /** {@code 73.4%}; one decimal is enough for accuracies, tiny non-zero values keep two significant digits. */
    @Override
    public String toString() {
        return CellFormat.percent(fraction);
    }
}
