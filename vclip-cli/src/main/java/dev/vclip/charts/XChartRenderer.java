package dev.vclip.charts;

import dev.vclip.report.BarOrder;
import dev.vclip.report.ChartRenderer;
import dev.vclip.report.ChartSpec;
import dev.vclip.report.Interval;
import dev.vclip.report.Series;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HorizontalBarChart;
import org.knowm.xchart.HorizontalBarChartBuilder;
import org.knowm.xchart.HorizontalBarSeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Annotation;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Draws {@link ChartSpec}s to PNG with XChart (found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services}). Needs no display: the CLI runs with {@code java.awt.headless=true}. Sizes are moderate (800×360) and every series is capped at
 * {@link #MAX_POINTS_PER_SERIES} points, so a chart stays a few tens of kilobytes whatever the input length.
 */
public final class XChartRenderer implements ChartRenderer {

    public static final int WIDTH = 800;
    static final int HEIGHT = 360;
    /** About one point per horizontal pixel of the plot: more cannot be seen, only stored. */
    static final int MAX_POINTS_PER_SERIES = ChartSpec.MAX_POINTS_PER_SERIES;
    /** Beyond this a bar chart is a wall; the rest stays in the table and the JSON. */
    static final int MAX_BARS = ChartSpec.MAX_BARS;
    /** Pixels per bar, and what the axis and padding take: 40 bars make a 780-pixel chart. */
    private static final int BAR_PITCH = 18;
    private static final int BAR_CHART_MARGINS = 60;
    private static final int BAR_CHART_MIN_HEIGHT = 160;
    private static final int MAX_LABEL_CHARS = 28;
    /** Up to this many points a line also marks its points: a few evaluation steps read better as dots. */
    private static final int MAX_POINTS_WITH_MARKERS = 30;

    /** Tableau 10: distinct, print-safe, and readable by most colour-blind people. */
    private static final Color[] PALETTE = {
            new Color(0x4E79A7), new Color(0xF28E2B), new Color(0x59A14F), new Color(0xE15759), new Color(0x76B7B2),
            new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)};
    private static final Color SCORE_COLOUR = new Color(0x4E79A7);
    private static final Color BAR_COLOUR = new Color(0xA0CBE8); // Tableau's light blue: dark labels read on it
    private static final Color GROUND_TRUTH_FILL = new Color(89, 161, 79, 64);
    private static final Color GROUND_TRUTH_LEGEND = new Color(89, 161, 79, 140);
    private static final Color PREDICTED_COLOUR = new Color(0xF28E2B);
    private static final Color THRESHOLD_COLOUR = new Color(0x6B7280);
    private static final Color TEXT_COLOUR = new Color(0x1F2937);
    private static final Color GRID_COLOUR = new Color(0xE5E7EB);
    /** Height in pixels of the track along the top of the plot where predicted segments are drawn. */
    private static final int PREDICTED_TRACK_HEIGHT = 9;
    /** Legend text that fits one row under an 800-pixel chart; longer legends go one entry per line. */
    private static final int MAX_LEGEND_ROW_CHARS = 100;
    /** A legend entry longer than this is shortened (a query can be a sentence). */
    private static final int MAX_LEGEND_CHARS = 70;
    private static final int LEGEND_LINE_HEIGHT = 18;
    private static final String DEFAULT_DECIMAL_PATTERN = "#,##0.###";
    /** Reference lines (chance, thresholds): dashed, so they never read as data. */
    private static final BasicStroke DASHED = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[]{6f, 4f}, 0f);

    public XChartRenderer() {
    }


    @Override
    public Rendered render(ChartSpec spec) {
        if (spec instanceof ChartSpec.Bar bar) {
            return renderBar(bar);
        }
        if (spec instanceof ChartSpec.Line line) {
            return renderLine(line);
        }
        return renderTimeline((ChartSpec.Timeline) spec);
    }

    // ---- bar charts ---------------------------------------------------------------------------------------------

    private static Rendered renderBar(ChartSpec.Bar spec) {
        List<String> notes = new ArrayList<>();
        // A category without a value (a class with no test videos) has nothing to draw.
        List<Integer> order = IntStream.range(0, spec.values().length)
                .filter(i -> !Double.isNaN(spec.values()[i])).boxed().toList();
        int missing = spec.values().length - order.size();
        if (missing > 0) {
            notes.add(missing + " of " + spec.values().length + " categories have no value and are not drawn.");
        }
        if (spec.order() != BarOrder.AS_GIVEN) {
            Comparator<Integer> byValue = Comparator.comparingDouble(i -> spec.values()[i]);
            order = order.stream().sorted(spec.order() == BarOrder.DESCENDING ? byValue.reversed() : byValue).toList();
        }
        if (order.size() > MAX_BARS) {
            int half = MAX_BARS / 2;
            String which = switch (spec.order()) {
                case DESCENDING -> "the " + half + " highest and the " + half + " lowest";
                case ASCENDING -> "the " + half + " lowest and the " + half + " highest";
                case AS_GIVEN -> "the first " + half + " and the last " + half;
            };
            notes.add("Showing " + which + " of " + order.size() + " categories.");
            List<Integer> kept = new ArrayList<>(order.subList(0, half));
            kept.addAll(order.subList(order.size() - half, order.size()));
            order = kept;
        }

        List<String> labels = new ArrayList<>(order.size());
        List<Double> values = new ArrayList<>(order.size());
        boolean allNonNegative = true;
        for (int i : order) {
            labels.add(uniqueLabel(shorten(spec.categories().get(i)), labels));
            values.add(spec.values()[i]);
            allNonNegative &= spec.values()[i] >= 0;
        }
        // Horizontal bars: class names read left to right instead of slanted, and every one of them fits.
        int height = Math.max(BAR_CHART_MIN_HEIGHT, BAR_CHART_MARGINS + BAR_PITCH * labels.size());
        HorizontalBarChart chart = new HorizontalBarChartBuilder().width(WIDTH).height(height)
                .xAxisTitle(spec.valueAxisLabel()).build();
        var styler = chart.getStyler();
        applyHouseStyle(styler);
        styler.setLegendVisible(false);
        styler.setPlotGridHorizontalLinesVisible(false);
        styler.setXAxisTickMarkSpacingHint(BAR_PITCH / 2); // XChart drops category labels it thinks crowded
        styler.setAvailableSpaceFill(0.75);
        styler.setDecimalPattern("0.###");
        if (allNonNegative) {
            styler.setXAxisMin(0.0);
        }
        if (spec.reference() != null) { // the reference line must be on the axis even when every bar is below it
            double highest = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            if (spec.reference().value() > highest) {
                styler.setXAxisMax(spec.reference().value() * 1.1);
            }
        }
        // The value near the end of each bar, dark on a light bar: it stays readable where a short bar is narrower
        // than its label and the text runs onto the white plot.
        styler.setLabelsVisible(true);
        styler.setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        styler.setLabelsFontColorAutomaticEnabled(false);
        styler.setLabelsFontColor(TEXT_COLOUR);
        styler.setLabelsPosition(0.9);
        HorizontalBarSeries series = chart.addSeries(spec.valueAxisLabel(), values, labels);
        series.setFillColor(BAR_COLOUR);
        if (spec.reference() != null) {
            chart.addAnnotation(new ReferenceLine(spec.reference()));
            notes.add("Dashed line: " + spec.reference().name() + ".");
        }
        return new Rendered(encode(chart), WIDTH, height, String.join(" ", notes));
    }

    private static String shorten(String label) {
        String oneLine = ChartRenderer.singleLine(label);
        return oneLine.length() <= MAX_LABEL_CHARS ? oneLine : oneLine.substring(0, MAX_LABEL_CHARS - 1) + "…";
    }

    /** Categories are keys in XChart: two classes shortened to the same text must still be two bars. */
    private static String uniqueLabel(String label, List<String> taken) {
        String candidate = label;
        for (int n = 2; taken.contains(candidate); n++) {
            candidate = label + " (" + n + ")";
        }
        return candidate;
    }

    // ---- XY line charts -----------------------------------------------------------------------------------------

    private static Rendered renderLine(ChartSpec.Line spec) {
        // One legend row holds a few short names; more or longer names go one per line below the plot, and the chart
        // grows by their height so the plot keeps its size (a single clipped row hid which curve was which).
        List<Series> all = new ArrayList<>(spec.series());
        all.addAll(spec.references());
        int legendChars = all.stream().mapToInt(s -> shortenLegend(s.name()).length() + 6).sum();
        boolean legendVisible = all.size() > 1;
        boolean legendInColumn = legendVisible && legendChars > MAX_LEGEND_ROW_CHARS;
        int height = HEIGHT + (legendInColumn ? LEGEND_LINE_HEIGHT * (all.size() - 1) : 0);
        XYChart chart = new XYChartBuilder().width(WIDTH).height(height)
                .xAxisTitle(spec.xAxisLabel()).yAxisTitle(spec.yAxisLabel()).build();
        var styler = chart.getStyler();
        applyHouseStyle(styler);
        styler.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        applyXYAxes(styler);
        styler.setXAxisDecimalPattern(decimalPattern(all.stream().flatMapToDouble(s -> Arrays.stream(s.x()))));
        styler.setYAxisDecimalPattern(decimalPattern(all.stream().flatMapToDouble(s -> Arrays.stream(s.y()))));
        styler.setLegendVisible(legendVisible);
        if (legendInColumn) {
            styler.setLegendLayout(Styler.LegendLayout.Vertical);
        }
        styler.setMarkerSize(5);
        List<String> thinned = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Series original : spec.series()) {
            Series drawn = original.downsample(MAX_POINTS_PER_SERIES);
            if (drawn != original) {
                thinned.add(thinned(original, drawn));
            }
            names.add(uniqueLabel(shortenLegend(drawn.name()), names));
            XYSeries series = chart.addSeries(names.get(names.size() - 1), drawn.x(), drawn.y());
            if (drawn.size() > MAX_POINTS_WITH_MARKERS || drawn.size() <= 2) {
                series.setMarker(SeriesMarkers.NONE); // a curve, or a two-point straight line
            }
        }
        for (Series reference : spec.references()) {
            names.add(uniqueLabel(shortenLegend(reference.name()), names));
            XYSeries series = chart.addSeries(names.get(names.size() - 1), reference.x(), reference.y());
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(THRESHOLD_COLOUR);
            series.setLineStyle(DASHED);
        }
        return new Rendered(encode(chart), WIDTH, height, thinningNote(thinned));
    }

    private static String shortenLegend(String name) {
        String oneLine = ChartRenderer.singleLine(name);
        return oneLine.length() <= MAX_LEGEND_CHARS ? oneLine : oneLine.substring(0, MAX_LEGEND_CHARS - 1) + "…";
    }

    /**
     * A tick label pattern that shows the data: the house pattern has three decimals, which turns a learning rate
     * of 0.0002 into "0" on every tick; small spans get as many decimals as they need, tiny ones scientific notation.
     */
    static String decimalPattern(java.util.stream.DoubleStream values) {
        double[] finite = values.filter(Double::isFinite).toArray();
        double low = Arrays.stream(finite).min().orElse(0);
        double high = Arrays.stream(finite).max().orElse(0);
        double scale = Math.max(high - low, Math.max(Math.abs(low), Math.abs(high)));
        if (scale == 0 || scale >= 0.1) {
            return DEFAULT_DECIMAL_PATTERN;
        }
        double span = high - low > 0 ? high - low : scale;
        int decimals = (int) Math.ceil(-Math.log10(span)) + 1;
        return decimals > 5 ? "0.0#E0" : "0." + "#".repeat(decimals);
    }

    private static String thinned(Series original, Series drawn) {
        return String.format(Locale.ROOT, "%s %,d → %,d points", original.name(), original.size(), drawn.size());
    }

    /** Says which series were drawn with fewer points than they have, so no one mistakes the picture for all. */
    private static String thinningNote(List<String> thinned) {
        return thinned.isEmpty() ? "" : "Drawn with fewer points, each stretch keeping its lowest and highest: "
                + String.join(", ", thinned) + ".";
    }

    // ---- localisation timelines ---------------------------------------------------------------------------------

    private static Rendered renderTimeline(ChartSpec.Timeline spec) {
        Series scores = spec.scores().downsample(MAX_POINTS_PER_SERIES);
        double[] seconds = scores.x();
        double start = Arrays.stream(seconds).min().orElseThrow();
        double end = Arrays.stream(seconds).max().orElseThrow();
        // Long videos in minutes: XChart picks round ticks (1, 2, 5 steps), which in seconds fall on 0:50, 1:40...
        double secondsPerUnit = end - start > 180 ? 60 : 1;
        double[] times = Arrays.stream(seconds).map(t -> t / secondsPerUnit).toArray();
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .xAxisTitle(secondsPerUnit == 60 ? "time (min)" : "time (s)").yAxisTitle(spec.scores().name()).build();
        var styler = chart.getStyler();
        applyHouseStyle(styler);
        applyXYAxes(styler);
        styler.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        fitScoreAxis(styler, scores.y(), spec.threshold());

        XYSeries line = chart.addSeries(spec.scores().name(), times, scores.y());
        line.setMarker(SeriesMarkers.NONE);
        line.setLineColor(SCORE_COLOUR);
        line.setLineStyle(new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));

        // The intervals are drawn by annotations (below); these one-point series only give them legend entries:
        // one point draws no line, and the point itself lies inside the data range, so the axes do not move.
        double anchorX = times[0];
        double anchorY = firstFinite(scores.y());
        if (spec.threshold() != null) {
            XYSeries threshold = chart.addSeries("threshold " + compact(spec.threshold()),
                    new double[]{start / secondsPerUnit, end / secondsPerUnit},
                    new double[]{spec.threshold(), spec.threshold()});
            threshold.setMarker(SeriesMarkers.NONE);
            threshold.setLineColor(THRESHOLD_COLOUR);
            threshold.setLineStyle(DASHED);
        }
        if (!spec.groundTruth().isEmpty()) {
            legendOnly(chart, "ground truth", anchorX, anchorY, GROUND_TRUTH_LEGEND);
            chart.addAnnotation(new IntervalBands(spec.groundTruth(), secondsPerUnit, GROUND_TRUTH_FILL, 0));
        }
        if (!spec.predicted().isEmpty()) {
            legendOnly(chart, "predicted", anchorX, anchorY, PREDICTED_COLOUR);
            chart.addAnnotation(new IntervalBands(spec.predicted(), secondsPerUnit, PREDICTED_COLOUR,
                    PREDICTED_TRACK_HEIGHT));
        }
        String note = thinningNote(scores == spec.scores() ? List.of() : List.of(thinned(spec.scores(), scores)));
        return new Rendered(encode(chart), WIDTH, HEIGHT, note);
    }

    /**
     * The score axis spans the data (and threshold) with headroom at the top, so the predicted-segment track along
     * the plot's top edge does not cover the highest scores.
     */
    private static void fitScoreAxis(AxesChartStyler styler, double[] scores, Double threshold) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (double score : scores) {
            if (Double.isFinite(score)) {
                low = Math.min(low, score);
                high = Math.max(high, score);
            }
        }
        if (threshold != null && Double.isFinite(threshold)) {
            low = Math.min(low, threshold);
            high = Math.max(high, threshold);
        }
        if (low > high) {
            return; // no finite score: leave the axis to XChart
        }
        double span = high - low;
        if (span == 0) {
            span = Math.max(Math.abs(high), 1e-3); // a flat line still needs a visible band around it
        }
        styler.setYAxisMin(low - 0.05 * span);
        styler.setYAxisMax(high + 0.15 * span);
    }

    private static void legendOnly(XYChart chart, String name, double x, double y, Color colour) {
        XYSeries entry = chart.addSeries(name, new double[]{x}, new double[]{y});
        entry.setMarker(SeriesMarkers.NONE);
        entry.setLineColor(colour);
        entry.setLineStyle(new BasicStroke(8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
    }

    /** {@code 0.25} rather than {@code 0.2500}: four significant digits at most, no trailing zeros. */
    private static String compact(double value) {
        if (!Double.isFinite(value) || value == 0) {
            return ChartRenderer.decimal(value);
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(4)).stripTrailingZeros()
                .toPlainString();
    }

    private static double firstFinite(double[] values) {
        for (double v : values) {
            if (Double.isFinite(v)) {
                return v;
            }
        }
        return 0;
    }

    /**
     * Shades intervals of the x axis in data coordinates: over the plot's full height ({@code trackHeight} 0) or as
     * a track of that many pixels along its top. XChart's area series fill down to y = 0, which is wrong for
     * similarity scores far from 0; an annotation knows the plot's bounds and is not bound to the y data.
     */
    private static final class IntervalBands extends Annotation {
        private final List<Interval> intervals;
        private final double secondsPerUnit;
        private final Color fill;
        private final int trackHeight;

        IntervalBands(List<Interval> intervals, double secondsPerUnit, Color fill, int trackHeight) {
            super(false);
            this.intervals = intervals;
            this.secondsPerUnit = secondsPerUnit;
            this.fill = fill;
            this.trackHeight = trackHeight;
        }

        @Override
        public void paint(Graphics2D g) {
            int left = Math.min(getXAxisScreenValueForMin(), getXAxisScreenValueForMax());
            int right = Math.max(getXAxisScreenValueForMin(), getXAxisScreenValueForMax());
            int top = Math.min(getYAxisScreenValueForMin(), getYAxisScreenValueForMax());
            int bottom = Math.max(getYAxisScreenValueForMin(), getYAxisScreenValueForMax());
            int height = trackHeight > 0 ? Math.min(trackHeight, bottom - top) : bottom - top;
            g.setColor(fill);
            for (Interval interval : intervals) {
                int from = Math.max(left, getXAxisScreenValue(interval.start() / secondsPerUnit));
                int to = Math.min(right, getXAxisScreenValue(interval.end() / secondsPerUnit));
                if (to < from) {
                    continue; // wholly outside the plotted time range
                }
                g.fillRect(from, top + 1, Math.max(2, to - from), height); // 2 px minimum: a one-frame moment shows
            }
        }
    }

    /** A reference value (chance accuracy): a dashed vertical line across a horizontal bar chart, named at its top. */
    private static final class ReferenceLine extends Annotation {
        private final ChartSpec.Reference reference;

        ReferenceLine(ChartSpec.Reference reference) {
            super(false);
            this.reference = reference;
        }

        @Override
        public void paint(Graphics2D g) {
            int x = getXAxisScreenValue(reference.value());
            int top = Math.min(getYAxisScreenValueForMin(), getYAxisScreenValueForMax());
            int bottom = Math.max(getYAxisScreenValueForMin(), getYAxisScreenValueForMax());
            g.setColor(THRESHOLD_COLOUR);
            g.setStroke(DASHED);
            g.drawLine(x, top, x, bottom);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            int width = g.getFontMetrics().stringWidth(reference.name());
            int right = Math.max(getXAxisScreenValueForMin(), getXAxisScreenValueForMax());
            // right of the line where it fits, else left of it: the name must not run off the plot
            g.drawString(reference.name(), x + 4 + width <= right ? x + 4 : x - 4 - width, top + 11);
        }
    }

    // ---- shared -------------------------------------------------------------------------------------------------

    /** One look for every chart: white, light grid, legend below, palette above, Locale.ROOT digits. */
    private static void applyHouseStyle(AxesChartStyler styler) {
        styler.setLocale(Locale.ROOT);
        styler.setChartTitleVisible(false); // the page gives each chart a heading; the pixels go to the data
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(true);
        styler.setPlotBorderColor(new Color(0xD1D5DB));
        styler.setPlotGridLinesColor(GRID_COLOUR);
        styler.setPlotGridLinesStroke(new BasicStroke(1f));
        styler.setChartFontColor(TEXT_COLOUR);
        styler.setAxisTickLabelsColor(TEXT_COLOUR);
        styler.setAxisTickMarksColor(new Color(0x9CA3AF));
        styler.setBaseFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setLegendBorderColor(Color.WHITE);
        styler.setLegendBackgroundColor(Color.WHITE);
        styler.setSeriesColors(PALETTE);
        styler.setChartPadding(10);
        styler.setAntiAlias(true);
    }

    /** Round ticks far enough apart to read, and numbers with a leading zero and thousands separators. */
    private static void applyXYAxes(AxesChartStyler styler) {
        styler.setXAxisTickMarkSpacingHint(70);
        styler.setYAxisTickMarkSpacingHint(40);
        styler.setXAxisDecimalPattern(DEFAULT_DECIMAL_PATTERN);
        styler.setYAxisDecimalPattern(DEFAULT_DECIMAL_PATTERN);
    }

    private static byte[] encode(Chart<?, ?> chart) {
        var bytes = new ByteArrayOutputStream(32 * 1024);
        try {
            // BitmapEncoder's own PNG writers are deprecated in 4.0; its image plus ImageIO are not.
            if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", bytes)) {
                throw new IOException("no PNG writer in ImageIO");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a chart as PNG: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }
}
