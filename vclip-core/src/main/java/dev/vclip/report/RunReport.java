package dev.vclip.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.vclip.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The results of one vclip run, for machines and for people.
 *
 * <pre>{@code
 * RunReport report = RunReport.create("Zero-shot recognition", RunReport.commandLine("vclip", args));
 * report.summary("top-1", 0.734, "%").summary("videos", 132).summary("skipped", 2);
 * report.table("Per-class accuracy", List.of("class", "videos", "accuracy"), rows);
 * report.barChart("Per-class accuracy", classes, accuracies, "accuracy", BarOrder.DESCENDING);
 * report.lineChart("ROC", List.of(Series.xy("ROC", fpr, tpr)), "false positive rate", "true positive rate");
 * report.timeline("Frame scores: a red circle moving left", times, scores, groundTruth, predicted);
 * report.note("skipped", "videos/x.mp4: cannot decode (truncated)");
 * report.json("metrics", metrics);
 * report.writeJson(out.resolve("report.json"));
 * report.writeHtml(out.resolve("report.html"));
 * System.out.print(report.toText());
 * }</pre>
 *
 * <p>Summary figures become cards at the top of the page; tables, charts and notes follow in the order they were
 * added. Values keep their type: numbers are right-aligned and written to JSON as numbers, a {@link Percent} (or a
 * summary figure with unit {@code "%"}) reads {@code 73.4%} and is stored as the fraction, a {@link Duration} reads
 * {@code 4m 05s} and is stored in seconds; anything else is shown and stored as its {@code toString()}.
 *
 * <p>Charts are drawn when the page is first written (about a second for the first chart of a JVM, AWT starting),
 * so a run that writes only JSON pays nothing for them. Both writes are atomic (a temporary file renamed over the
 * target), so a reader never sees half a report. The methods are synchronised: worker threads may add notes or
 * rows while the run goes on.
 */
public final class RunReport {

    /** Identifies the JSON document's layout; {@link #SCHEMA_VERSION} goes up when a field changes meaning. */
    public static final String SCHEMA = "vclip.run-report";
    public static final int SCHEMA_VERSION = 1;
    /** When the running vclip is not a packaged jar (tests, target/classes), its version is this pom version. */
    static final String UNPACKAGED_VERSION = "0.1.0-SNAPSHOT";
    /** Console tables stop here; the rest is one file away and would scroll the figures off the screen. */
    static final int TEXT_ROWS_PER_TABLE = 30;

    private static final ObjectMapper JSON = newObjectMapper();
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private final String title;
    private final String commandLine;
    private final Instant createdAt;
    private String vclipVersion = detectVclipVersion();
    private final Map<String, SummaryItem> summary = new LinkedHashMap<>();
    private final List<Section> sections = new ArrayList<>();
    private final Map<String, JsonNode> payloads = new LinkedHashMap<>();

    /** A summary figure: its name, value (number, {@link Percent}, text...) and unit ({@code ""} for none). */
    record SummaryItem(String name, Object value, String unit) {
    }

    private RunReport(String title, String commandLine, Instant createdAt) {
        this.title = Objects.requireNonNull(title, "title");
        this.commandLine = Objects.requireNonNull(commandLine, "commandLine");
        this.createdAt = createdAt;
    }

    /**
     * A report for a run starting now.
     *
     * @param title       what the run did, e.g. {@code "Zero-shot recognition"}
     * @param commandLine how to run it again (see {@link #commandLine(String, String...)}); {@code ""} for none
     */
    public static RunReport create(String title, String commandLine) {
        return new RunReport(title, commandLine, Instant.now());
    }

    /**
     * A command line as a POSIX shell would need it typed: words with spaces, quotes or other special characters
     * are single-quoted, so the line in the report can be pasted back into a shell.
     */
    public static String commandLine(String program, String... args) {
        StringBuilder line = new StringBuilder(shellQuote(program));
        for (String arg : args) {
            line.append(' ').append(shellQuote(arg));
        }
        return line.toString();
    }

    static String shellQuote(String word) {
        if (SHELL_SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * Overrides the vclip version the report names (by default the jar's, or {@value #UNPACKAGED_VERSION} when
     * running from classes), e.g. with the version string the command line prints.
     */
    public synchronized RunReport vclipVersion(String version) {
        this.vclipVersion = Objects.requireNonNull(version, "version");
        return this;
    }

    /**
     * A headline figure, shown as a card: a count ({@code 132}), a {@link Percent}, a float, a {@link Duration},
     * text (a model name). Adding a name again replaces its value in place.
     */
    public synchronized RunReport summary(String name, Object value) {
        return putSummary(name, value, "");
    }

    /**
     * A headline figure with a unit. Unit {@code "%"} means {@code value} is a fraction, shown as a percentage
     * ({@code 0.734} reads {@code 73.4%}) and stored as the fraction; any other unit is shown after the number
     * ({@code 12.5 s}) and stored beside it under {@code summaryUnits}.
     */
    public synchronized RunReport summary(String name, double value, String unit) {
        return putSummary(name, value, Objects.requireNonNull(unit, "unit"));
    }

    private RunReport putSummary(String name, Object value, String unit) {
        Objects.requireNonNull(name, "name");
        summary.put(name, new SummaryItem(name, value, unit));
        return this;
    }

    /**
     * A table. Columns of numbers (and {@link Percent}s, durations, empty cells) are right-aligned; more than
     * {@value HtmlPage#COLLAPSE_ROWS_OVER} rows show as a preview with the whole table one click away.
     *
     * @param rows one list of values per row, one value per header, {@code null} for an empty cell
     * @throws IllegalArgumentException when a row's length differs from the number of headers
     */
    public synchronized RunReport table(String title, List<String> headers, List<? extends List<?>> rows) {
        Tables.checkShape(headers, rows);
        List<List<Object>> copied = new ArrayList<>(rows.size());
        for (List<?> row : rows) {
            copied.add(new ArrayList<>(row));
        }
        sections.add(new Section.Table(title, headers, copied));
        return this;
    }

    /** A bar per category, in the given order. */
    public RunReport barChart(String title, List<String> categories, double[] values, String valueAxisLabel) {
        return barChart(title, categories, values, valueAxisLabel, BarOrder.AS_GIVEN);
    }

    /**
     * A bar per category (per-class accuracy, say), sorted as asked. Categories without a value ({@code NaN}) are
     * left out; beyond {@value ChartSpec#MAX_BARS} categories the chart shows both ends of the order, and the caption
     * says so.
     */
    public synchronized RunReport barChart(String title, List<String> categories, double[] values,
                                           String valueAxisLabel, BarOrder order) {
        sections.add(new Section.Chart(new ChartSpec.Bar(title, categories, values, valueAxisLabel, order)));
        return this;
    }

    /** As {@link #barChart(String, List, double[], String, BarOrder)}, with a reference value (chance) as a dashed line. */
    public synchronized RunReport barChart(String title, List<String> categories, double[] values,
                                           String valueAxisLabel, BarOrder order, ChartSpec.Reference reference) {
        sections.add(new Section.Chart(new ChartSpec.Bar(title, categories, values, valueAxisLabel, order, reference)));
        return this;
    }

    /**
     * XY lines with a shared pair of axes: an ROC or PR curve, loss and accuracy against steps. Series longer than
     * {@value ChartSpec#MAX_POINTS_PER_SERIES} points are thinned for drawing ({@link Series#downsample}).
     *
     * @throws IllegalArgumentException when there is no series or two share a name
     */
    public synchronized RunReport lineChart(String title, List<Series> series, String xAxisLabel, String yAxisLabel) {
        sections.add(new Section.Chart(new ChartSpec.Line(title, series, xAxisLabel, yAxisLabel)));
        return this;
    }

    /** As {@link #lineChart(String, List, String, String)}, with reference lines (chance) drawn dashed and grey. */
    public synchronized RunReport lineChart(String title, List<Series> series, String xAxisLabel, String yAxisLabel,
                                            List<Series> references) {
        sections.add(new Section.Chart(new ChartSpec.Line(title, series, xAxisLabel, yAxisLabel, references)));
        return this;
    }

    /**
     * Localisation at a glance: the score of every frame over time, ground-truth intervals shaded over the plot and
     * predicted segments as bars along its top edge. Times are in seconds (the axis shows minutes past three
     * minutes); intervals use the same unit. Scores past {@value ChartSpec#MAX_POINTS_PER_SERIES} frames are thinned for
     * drawing, keeping peaks.
     */
    public RunReport timeline(String title, double[] frameTimes, double[] scores, List<Interval> groundTruth,
                              List<Interval> predicted) {
        return addTimeline(title, "frame score", frameTimes, scores, groundTruth, predicted, null);
    }

    /**
     * As {@link #timeline(String, double[], double[], List, List)}, naming what the scores are ({@code "logit"}): the
     * name labels the score axis, so a chart of logits is not read on the scale of a table's normalised scores.
     */
    public RunReport timeline(String title, String scoreName, double[] frameTimes, double[] scores,
                              List<Interval> groundTruth, List<Interval> predicted) {
        return addTimeline(title, scoreName, frameTimes, scores, groundTruth, predicted, null);
    }

    /** As {@link #timeline(String, double[], double[], List, List)}, with the decision threshold as a dashed line. */
    public RunReport timeline(String title, double[] frameTimes, double[] scores, List<Interval> groundTruth,
                              List<Interval> predicted, double threshold) {
        return addTimeline(title, "frame score", frameTimes, scores, groundTruth, predicted, threshold);
    }

    private synchronized RunReport addTimeline(String title, String scoreName, double[] frameTimes, double[] scores,
                                               List<Interval> groundTruth, List<Interval> predicted,
                                               Double threshold) {
        Series line = Series.xy(scoreName, frameTimes, scores);
        sections.add(new Section.Chart(new ChartSpec.Timeline(title, line, groundTruth, predicted, threshold)));
        return this;
    }

    /**
     * Lines of text under a heading: skipped inputs with their reasons, warnings. Notes under a title used before
     * are appended to that section. An empty list still makes the section ("skipped: none" is worth saying).
     */
    public synchronized RunReport notes(String title, List<String> lines) {
        lines.forEach(line -> Objects.requireNonNull(line, "a note line is null"));
        notesSection(title).lines().addAll(lines);
        return this;
    }

    /** One line of notes under a heading; see {@link #notes}. */
    public synchronized RunReport note(String title, String line) {
        notesSection(title).lines().add(Objects.requireNonNull(line, "line"));
        return this;
    }

    private Section.Notes notesSection(String title) {
        for (Section section : sections) {
            if (section instanceof Section.Notes notes && notes.title().equals(title)) {
                return notes;
            }
        }
        Section.Notes notes = new Section.Notes(title, List.of());
        sections.add(notes);
        return notes;
    }

    /**
     * A machine-readable payload under {@code data.<key>} of the JSON report: any object Jackson can write (records,
     * maps, lists, arrays); {@link Duration}s become seconds, {@link Instant}s ISO-8601 text, {@link Path}s plain
     * text. It is converted now, so later changes to the object are not seen and an unwritable one fails here.
     * A key given again replaces its payload.
     *
     * @throws IllegalArgumentException when Jackson cannot write the object
     */
    public synchronized RunReport json(String key, Object payload) {
        Objects.requireNonNull(key, "key");
        payloads.put(key, JSON.valueToTree(payload));
        return this;
    }

    /** The JSON document {@link #writeJson} writes. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(jsonDocument()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the JSON document atomically (UTF-8, pretty-printed): {@code schema}, {@code schemaVersion},
     * {@code vclipVersion}, {@code title}, {@code command}, {@code createdAt}, {@code writtenAt}, {@code summary}
     * (name to value), {@code summaryUnits}, {@code tables} (title, headers, rows), {@code notes} (title to lines),
     * {@code charts} (their titles; the data behind a chart belongs in a payload) and {@code data} (the payloads).
     *
     * @throws RuntimeException naming the file when it cannot be written
     */
    public void writeJson(Path path) {
        AtomicFiles.write(path, toJson().getBytes(StandardCharsets.UTF_8));
    }

    /** The HTML page {@link #writeHtml} writes. */
    public String toHtml() {
        HtmlPage.Content content;
        synchronized (this) {
            content = new HtmlPage.Content(title, commandLine, createdAt, Instant.now(), vclipVersion,
                    List.copyOf(summary.values()), snapshotSections());
        }
        return HtmlPage.render(content); // outside the lock: charts take a while and workers may still add notes
    }

    /**
     * Writes the self-contained HTML page atomically.
     *
     * @throws RuntimeException naming the file when it cannot be written
     */
    public void writeHtml(Path path) {
        AtomicFiles.write(path, toHtml().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The report for a console: title, command, summary, then each table (the first
     * {@value #TEXT_ROWS_PER_TABLE} rows) and note; charts are named only.
     */
    public synchronized String toText() {
        StringBuilder text = new StringBuilder();
        text.append(CellFormat.singleLine(title)).append('\n');
        if (!commandLine.isEmpty()) {
            text.append(CellFormat.singleLine(commandLine)).append('\n');
        }
        text.append(HtmlPage.TIMESTAMP.format(createdAt)).append(" · vclip ").append(vclipVersion).append('\n');
        if (!summary.isEmpty()) {
            // name, value pairs without a table header: a header row would only say "name | value"
            int nameWidth = summary.keySet().stream().mapToInt(name -> CellFormat.singleLine(name).length()).max()
                    .orElse(0);
            text.append('\n');
            for (SummaryItem item : summary.values()) {
                String name = CellFormat.singleLine(item.name());
                text.append(name).append(" ".repeat(nameWidth - name.length() + 2))
                        .append(CellFormat.withUnit(item.value(), item.unit())).append('\n');
            }
        }
        for (Section section : sections) {
            text.append('\n');
            if (section instanceof Section.Table table) {
                int rows = table.rows().size();
                text.append(CellFormat.singleLine(table.title())).append(" (").append(rows)
                        .append(rows == 1 ? " row)\n" : " rows)\n");
                text.append(Tables.render(table.headers(),
                        table.rows().subList(0, Math.min(rows, TEXT_ROWS_PER_TABLE))));
                if (rows > TEXT_ROWS_PER_TABLE) {
                    text.append("... ").append(rows - TEXT_ROWS_PER_TABLE)
                            .append(" more rows in the HTML and JSON reports\n");
                }
            } else if (section instanceof Section.Chart chart) {
                text.append("[chart] ").append(CellFormat.singleLine(chart.title()))
                        .append(" (in the HTML report)\n");
            } else {
                Section.Notes notes = (Section.Notes) section;
                text.append(CellFormat.singleLine(notes.title())).append(" (").append(notes.lines().size())
                        .append(")\n");
                if (notes.lines().isEmpty()) {
                    text.append("  none\n");
                }
                for (String line : notes.lines()) {
                    text.append("  - ").append(CellFormat.singleLine(line)).append('\n');
                }
            }
        }
        return text.toString();
    }

    private List<Section> snapshotSections() {
        List<Section> copy = new ArrayList<>(sections.size());
        for (Section section : sections) {
            // Notes may still grow while the page renders outside the lock: copy their lines now.
            copy.add(section instanceof Section.Notes notes
                    ? new Section.Notes(notes.title(), notes.lines())
                    : section);
        }
        return copy;
    }

    private synchronized ObjectNode jsonDocument() {
        JsonNodeFactory nodes = JSON.getNodeFactory();
        ObjectNode document = nodes.objectNode();
        document.put("schema", SCHEMA);
        document.put("schemaVersion", SCHEMA_VERSION);
        document.put("vclipVersion", vclipVersion);
        document.put("title", title);
        document.put("command", commandLine);
        document.put("createdAt", createdAt.truncatedTo(ChronoUnit.SECONDS).toString());
        document.put("writtenAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());

        ObjectNode summaryNode = document.putObject("summary");
        ObjectNode unitsNode = document.putObject("summaryUnits");
        for (SummaryItem item : summary.values()) {
            summaryNode.set(item.name(), cellToJson(item.value()));
            if (!item.unit().isEmpty()) {
                unitsNode.put(item.name(), item.unit());
            }
        }

        ArrayNode tablesNode = document.putArray("tables");
        ObjectNode notesNode = nodes.objectNode();
        ArrayNode chartsNode = nodes.arrayNode();
        for (Section section : sections) {
            if (section instanceof Section.Table table) {
                ObjectNode tableNode = tablesNode.addObject();
                tableNode.put("title", table.title());
                ArrayNode headers = tableNode.putArray("headers");
                table.headers().forEach(headers::add);
                ArrayNode rows = tableNode.putArray("rows");
                for (List<Object> row : table.rows()) {
                    ArrayNode rowNode = rows.addArray();
                    row.forEach(value -> rowNode.add(cellToJson(value)));
                }
            } else if (section instanceof Section.Chart chart) {
                chartsNode.add(chart.title());
            } else {
                Section.Notes notes = (Section.Notes) section;
                ArrayNode lines = notesNode.putArray(notes.title());
                notes.lines().forEach(lines::add);
            }
        }
        document.set("notes", notesNode);
        document.set("charts", chartsNode);
        ObjectNode data = document.putObject("data");
        payloads.forEach(data::set);
        return document;
    }

    /** A cell or summary value as JSON: quantities as numbers, everything else as the text the page shows. */
    private static JsonNode cellToJson(Object value) {
        JsonNodeFactory nodes = JSON.getNodeFactory();
        if (value == null) {
            return nodes.nullNode();
        }
        if (value instanceof Percent percent) {
            return nodes.numberNode(percent.fraction());
        }
        if (value instanceof Duration duration) {
            return nodes.numberNode(seconds(duration));
        }
        if (value instanceof Boolean bool) {
            return nodes.booleanNode(bool);
        }
        if (value instanceof BigDecimal decimal) {
            return nodes.numberNode(decimal);
        }
        if (value instanceof BigInteger integer) {
            return nodes.numberNode(integer);
        }
        if (value instanceof Double || value instanceof Float) {
            return nodes.numberNode(((Number) value).doubleValue());
        }
        if (value instanceof Number number) {
            return nodes.numberNode(number.longValue());
        }
        return nodes.textNode(value.toString());
    }

    private static double seconds(Duration duration) {
        return duration.getSeconds() + duration.getNano() / 1e9;
    }

    private static ObjectMapper newObjectMapper() {
        // Without jackson-datatype-jsr310 Jackson refuses java.time types; these three forms are all a report needs.
        SimpleModule reportTypes = new SimpleModule("vclip-report");
        reportTypes.addSerializer(Duration.class, new StdSerializer<>(Duration.class) {
            @Override
            public void serialize(Duration value, JsonGenerator out, SerializerProvider provider) throws IOException {
                out.writeNumber(seconds(value));
            }
        });
        reportTypes.addSerializer(Instant.class, ToStringSerializer.instance);
        reportTypes.addSerializer(Path.class, ToStringSerializer.instance); // not Jackson's file:// URI
        return new ObjectMapper().registerModule(reportTypes).enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** The jar's Implementation-Version or Maven pom.properties; the pom version when running from classes. */
    private static String detectVclipVersion() {
        String fromManifest = RunReport.class.getPackage().getImplementationVersion();
        if (fromManifest != null) {
            return fromManifest;
        }
        try (InputStream in = RunReport.class.getResourceAsStream("/META-INF/maven/dev.vclip/vclip/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null) {
                    return version;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vclip's pom.properties", e);
        }
        return UNPACKAGED_VERSION;
    }
}
