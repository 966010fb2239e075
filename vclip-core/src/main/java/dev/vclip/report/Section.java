package dev.vclip.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** One block of a report below the summary cards, in the order the run added them. */
sealed interface Section permits Section.Table, Section.Chart, Section.Notes {

    String title();

    /** Rows of values, kept as given (typed) so JSON gets numbers and the page can right-align them. */
    record Table(String title, List<String> headers, List<List<Object>> rows) implements Section {
        public Table {
            Objects.requireNonNull(title, "title");
            headers = List.copyOf(headers);
            List<List<Object>> copied = new ArrayList<>(rows.size());
            for (List<Object> row : rows) {
                copied.add(Collections.unmodifiableList(new ArrayList<>(row))); // rows may hold nulls
            }
            rows = Collections.unmodifiableList(copied);
        }
    }

    /** A chart, drawn on first need and kept: writing both the page and re-writing it costs one rendering. */
    final class Chart implements Section {
        private final ChartSpec spec;
        private ChartRenderer.Rendered rendered;
        private boolean tried;

        Chart(ChartSpec spec) {
            this.spec = spec;
        }

        @Override
        public String title() {
            return spec.title();
        }

        ChartSpec spec() {
            return spec;
        }

        /** The drawn chart, or {@code null} when no {@link ChartRenderer} is on the class path. */
        synchronized ChartRenderer.Rendered rendered() {
            if (!tried) {
                tried = true;
                rendered = ChartRenderer.find().map(r -> r.render(spec)).orElse(null);
            }
            return rendered;
        }
    }

    /** Lines of text, such as skipped inputs with their reasons; later notes under the same title are appended. */
    record Notes(String title, List<String> lines) implements Section {
        public Notes {
            Objects.requireNonNull(title, "title");
            lines = new ArrayList<>(lines);
        }
    }
}
