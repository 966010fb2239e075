package dev.vclip.report;

import java.util.List;
import java.util.Objects;

/**
 * What a chart shows, checked when the caller adds it (so a bad argument fails at its call site, not when the page
 * is written) and drawn later by a {@link ChartRenderer}.
 */
public sealed interface ChartSpec permits ChartSpec.Bar, ChartSpec.Line, ChartSpec.Timeline {

    /** About one point per horizontal pixel of the plot: more cannot be seen, only stored. */
    int MAX_POINTS_PER_SERIES = 1000;
    /** Beyond this a bar chart is a wall; the rest stays in the table and the JSON. */
    int MAX_BARS = 40;

    String title();

    /** A named value drawn across a chart as a dashed line: chance, a baseline. */
    record Reference(String name, double value) {
        public Reference {
            Objects.requireNonNull(name, "name");
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("reference '" + name + "' has the value " + value);
            }
        }
    }

    /**
     * Bars for categories (per-class accuracy), and optionally a reference value (chance accuracy) as a dashed line
     * across them; {@code reference} may be null.
     */
    record Bar(String title, List<String> categories, double[] values, String valueAxisLabel, BarOrder order,
               Reference reference) implements ChartSpec {

        public Bar(String title, List<String> categories, double[] values, String valueAxisLabel, BarOrder order) {
            this(title, categories, values, valueAxisLabel, order, null);
        }

        public Bar {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(valueAxisLabel, "valueAxisLabel");
            Objects.requireNonNull(order, "order");
            categories = List.copyOf(categories);
            values = values.clone();
            if (categories.size() != values.length) {
                throw new IllegalArgumentException("bar chart '" + title + "': " + categories.size()
                        + " categories but " + values.length + " values");
            }
            if (categories.isEmpty()) {
                throw new IllegalArgumentException("bar chart '" + title + "' has no categories");
            }
            boolean anyValue = false;
            for (int i = 0; i < values.length; i++) {
                if (Double.isInfinite(values[i])) {
                    throw new IllegalArgumentException("bar chart '" + title + "': category '" + categories.get(i)
                            + "' has the value " + values[i]);
                }
                anyValue |= !Double.isNaN(values[i]);
            }
            if (!anyValue) {
                throw new IllegalArgumentException("bar chart '" + title + "': no category has a value (all NaN)");
            }
        }
    }

    /**
     * XY lines: ROC and PR curves, loss and accuracy over steps; {@code references} are drawn as dashed grey lines
     * (chance: the ROC diagonal, the positive rate on a PR chart).
     */
    record Line(String title, List<Series> series, String xAxisLabel, String yAxisLabel, List<Series> references)
            implements ChartSpec {

        public Line(String title, List<Series> series, String xAxisLabel, String yAxisLabel) {
            this(title, series, xAxisLabel, yAxisLabel, List.of());
        }

        public Line {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(xAxisLabel, "xAxisLabel");
            Objects.requireNonNull(yAxisLabel, "yAxisLabel");
            series = List.copyOf(series);
            references = List.copyOf(references);
            if (series.isEmpty()) {
                throw new IllegalArgumentException("line chart '" + title + "' has no series");
            }
            // XChart keys series by name and refuses a repeat; say so here, where the caller can see which chart.
            List<String> names = java.util.stream.Stream.concat(series.stream(), references.stream()).map(Series::name)
                    .toList();
            if (names.stream().distinct().count() != names.size()) {
                throw new IllegalArgumentException("line chart '" + title + "': series names repeat: " + names);
            }
        }
    }

    /**
     * Localisation: a score per frame over time, ground-truth intervals shaded, predicted segments marked and, when
     * not {@code null}, the decision threshold.
     */
    record Timeline(String title, Series scores, List<Interval> groundTruth, List<Interval> predicted,
                    Double threshold) implements ChartSpec {
        public Timeline {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(scores, "scores");
            groundTruth = List.copyOf(groundTruth);
            predicted = List.copyOf(predicted);
        }
    }
}
