package dev.vclip.report;

import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Draws a {@link ChartSpec} as a PNG for the HTML page. vclip-core has no chart library; vclip-cli registers one
 * (XChart) in {@code META-INF/services/dev.vclip.report.ChartRenderer}. Without a renderer on the class path a page
 * shows each chart's title and a note, and the data stays in the tables and the JSON.
 */
public interface ChartRenderer {

    /** A chart as PNG bytes, with its pixel size and a note for the caption (what was left out), possibly empty. */
    record Rendered(byte[] png, int width, int height, String note) {
    }

    Rendered render(ChartSpec spec);

    /** The first renderer {@link ServiceLoader} finds, if any. */
    static Optional<ChartRenderer> find() {
        return ServiceLoader.load(ChartRenderer.class, ChartRenderer.class.getClassLoader()).findFirst();
    }

    /** Axis and label numbers as the tables show them ({@code 0.7340}, {@code 12.30}, {@code 1.2e-05}). */
    static String decimal(double value) {
        return CellFormat.decimal(value);
    }

    /** A label on one line: line breaks and tabs become spaces. */
    static String singleLine(String text) {
        return CellFormat.singleLine(text);
    }
}
