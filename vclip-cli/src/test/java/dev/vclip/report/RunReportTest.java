package dev.vclip.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

    private static final Pattern IMG = Pattern.compile("<img\\b[^>]*>");
    private static final Pattern IMG_SRC = Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
    private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>");
    private static final Set<String> VOID_ELEMENTS = Set.of("meta", "img", "br", "hr", "link", "input", "wbr");

    @Test
    void exampleReportIsSelfContainedWellFormedHtml() throws IOException {
        Path example = Path.of("target", "report-example.html");
        ExampleReport.build().writeHtml(example);
        String html = Files.readString(example, StandardCharsets.UTF_8);

        assertTrue(html.startsWith("<!DOCTYPE html>"), "a doctype first");
        assertWellFormed(html);
        String lower = html.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("<script"), "no scripts");
        assertFalse(lower.contains("<link"), "no linked style sheets or fonts");
        assertFalse(lower.contains("url("), "no CSS resources");
        assertFalse(lower.contains("@import"), "no CSS imports");
        assertFalse(lower.contains("http://") || lower.contains("https://"), "nothing from the network");

        List<BufferedImage> charts = embeddedImages(html);
        assertEquals(5, charts.size(), "bar, ROC, PR, training curves and timeline are all embedded");
        assertEquals(IMG.matcher(html).results().count(), charts.size(), "every <img has a data: URI");
        for (BufferedImage chart : charts) {
            assertEquals(dev.vclip.charts.XChartRenderer.WIDTH, chart.getWidth());
        }
        assertTrue(html.length() < 1_000_000, "five charts keep the page small: " + html.length() + " chars");

        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;.mp4"), "the file name shows, escaped");
        assertTrue(html.contains("<dd>73.4%</dd>"), "percent summary card");
        assertTrue(html.contains("<dd>4m 05s</dd>"), "duration summary card");
        assertTrue(html.contains("<dd>12.5 videos/s</dd>"), "unit after the number");
        assertTrue(html.contains("<td class=\"num\">"), "numbers right-aligned");
        assertTrue(html.contains("<details><summary>Show all 40 rows</summary>"), "a long table collapses");
        assertTrue(html.contains("&#39;data/my videos/&#39;"), "the command line, shell-quoted");
        assertTrue(html.contains("train loss 5,000 → 1,000 points"), "the caption tells when a series was thinned");
        assertTrue(html.contains("<nav class=\"contents\""), "many sections get a contents list");
    }

    @Test
    void textFromTheRunCannotInjectMarkup() {
        String evil = "<script>alert(1)</script>.mp4";
        String evilAttribute = "x\" onload=\"alert(2)\"><img src=x onerror=alert(3)>";
        RunReport report = RunReport.create(evil, "vclip zeroshot --videos " + evil);
        report.summary(evil, evilAttribute);
        report.table(evilAttribute, List.of(evil, "n"), List.of(List.of(evil, 1), List.of(evilAttribute, 2)));
        report.barChart(evilAttribute, List.of(evil, evilAttribute), new double[]{0.5, 0.7}, evil);
        report.notes(evil, List.of(evil, evilAttribute));

        String html = report.toHtml();

        assertFalse(html.toLowerCase(Locale.ROOT).contains("<script"), html);
        assertFalse(html.contains("<img src=x"), html);
        assertFalse(html.contains("\" onload=\""), "no attribute break-out");
        assertEquals(1, IMG.matcher(html).results().count(), "only the chart's own image");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;.mp4"));
        assertTrue(html.contains("alt=\"x&quot; onload=&quot;alert(2)&quot;&gt;&lt;img src=x onerror=alert(3)&gt;\""));
        assertWellFormed(html);
    }

    @Test
    void jsonHoldsSummaryTablesNotesAndPayloads() throws IOException {
        String json = ExampleReport.build().toJson();
        JsonNode document = new ObjectMapper().readTree(json);

        assertEquals(RunReport.SCHEMA, document.get("schema").asText());
        assertEquals(RunReport.SCHEMA_VERSION, document.get("schemaVersion").asInt());
        assertFalse(document.get("vclipVersion").asText().isEmpty());
        assertEquals("Zero-shot recognition", document.get("title").asText());
        assertTrue(document.get("command").asText().startsWith("vclip zeroshot"));
        assertNotNull(java.time.Instant.parse(document.get("createdAt").asText()));

        JsonNode summary = document.get("summary");
        assertEquals(0.734, summary.get("top-1").asDouble());
        assertEquals(132, summary.get("videos").asInt());
        assertTrue(summary.get("videos").isIntegralNumber());
        assertEquals("xclip-base-patch32", summary.get("model").asText());
        assertEquals(245.0, summary.get("wall time").asDouble(), "durations in seconds");
        assertEquals("%", document.get("summaryUnits").get("top-1").asText());
        assertEquals("videos/s", document.get("summaryUnits").get("throughput").asText());
        assertFalse(document.get("summaryUnits").has("videos"));

        JsonNode table = document.get("tables").get(0);
        assertEquals("Per-class accuracy", table.get("title").asText());
        assertEquals(4, table.get("headers").size());
        assertEquals(ExampleReport.CLASSES, table.get("rows").size());
        JsonNode firstRow = table.get("rows").get(0);
        assertTrue(firstRow.get(1).isIntegralNumber());
        assertTrue(firstRow.get(2).isNumber(), "a Percent cell is stored as its fraction");
        assertEquals(0.35, firstRow.get(2).asDouble(), 1e-12);

        assertEquals(2, document.get("notes").get("skipped").size());
        assertTrue(document.get("notes").get("skipped").get(1).asText().contains(ExampleReport.MALICIOUS_FILE),
                "JSON keeps the text as it is");
        assertEquals(5, document.get("charts").size());

        JsonNode metrics = document.get("data").get("metrics");
        assertEquals(0.734, metrics.get("top1").asDouble());
        assertEquals(ExampleReport.CLASSES, metrics.get("perClass").size());
        assertEquals(1.5, document.get("data").get("config").get("elapsed").asDouble());
    }

    @Test
    void writesAreAtomicAndLeaveNoTemporaryFiles(@TempDir Path dir) throws IOException {
        RunReport report = RunReport.create("Retrieval", "vclip retrieval").summary("R@1", 0.41, "%");
        Path json = dir.resolve("out/report.json");
        Path html = dir.resolve("out/report.html");
        Files.createDirectories(json.getParent());
        Files.writeString(json, "old content");

        report.writeJson(json);
        report.writeHtml(html);
        report.summary("R@1", 0.43, "%").writeJson(json); // rewriting replaces the whole file

        try (Stream<Path> files = Files.list(json.getParent())) {
            assertEquals(List.of("report.html", "report.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(0.43, new ObjectMapper().readTree(json.toFile()).get("summary").get("R@1").asDouble());
        assertTrue(Files.readString(html).endsWith("</html>\n"));
    }

    @Test
    void payloadsAreTakenWhenAddedAndBadOnesFailAtOnce() {
        RunReport report = RunReport.create("t", "");
        List<Integer> values = new ArrayList<>(List.of(1, 2));
        report.json("values", values);
        values.add(3);
        assertTrue(report.toJson().contains("\"values\" : [ 1, 2 ]"), report.toJson());
        assertThrows(IllegalArgumentException.class, () -> report.json("bad", new Object()));
        assertThrows(IllegalArgumentException.class,
                () -> report.table("t", List.of("a", "b"), List.of(List.of(1))));
        assertThrows(IllegalArgumentException.class,
                () -> report.lineChart("t", List.of(Series.of("s", new double[]{1}), Series.of("s",
                        new double[]{2})), "x", "y"));
        assertThrows(IllegalArgumentException.class,
                () -> report.barChart("t", List.of("a"), new double[]{1, 2}, "v"));
    }

    @Test
    void missingValuesStayValidJson() throws IOException {
        RunReport report = RunReport.create("t", "").summary("AUROC", Double.NaN)
                .table("per query", List.of("query", "AUROC"), List.of(Arrays.asList("q", Double.NaN),
                        Arrays.asList("r", null)));
        JsonNode document = new ObjectMapper().readTree(report.toJson());
        assertEquals("NaN", document.get("summary").get("AUROC").asText());
        assertTrue(document.get("tables").get(0).get("rows").get(1).get(1).isNull());
        assertTrue(report.toHtml().contains("<td class=\"num\">NaN</td>"));
    }

    @Test
    void consoleTextShowsSummaryTablesAndNotes() {
        String text = ExampleReport.build().toText();
        assertTrue(text.startsWith("Zero-shot recognition\nvclip zeroshot"), text);
        assertTrue(text.contains("\ntop-1       73.4%\ntop-5       95.0%\n"), text);
        assertTrue(text.contains("Per-class accuracy (40 rows)"), text);
        assertTrue(text.contains("... 10 more rows in the HTML and JSON reports"), text);
        assertTrue(text.contains("[chart] Training curves"), text);
        assertTrue(text.contains("  - videos/clip_0042.mp4: cannot decode (truncated)"), text);
    }

    @Test
    void notesUnderOneTitleGather() {
        RunReport report = RunReport.create("t", "");
        report.note("skipped", "a.mp4: empty").notes("warnings", List.of()).note("skipped", "b.mp4: corrupt");
        String html = report.toHtml();
        assertEquals(1, html.split("<h2>skipped", -1).length - 1, "one section");
        assertTrue(html.contains("<li>b.mp4: corrupt</li>"));
        assertTrue(html.contains("<p class=\"empty\">None.</p>"), "an empty notes section says so");
    }

    @Test
    void commandLinesAreShellQuoted() {
        assertEquals("vclip zeroshot --videos 'my videos/' --prompt 'it'\\''s {}'",
                RunReport.commandLine("vclip", "zeroshot", "--videos", "my videos/", "--prompt", "it's {}"));
        assertEquals("vclip ''", RunReport.commandLine("vclip", ""));
    }

    /** Checks that elements nest: every closing tag closes the innermost open one, and all are closed at the end. */
    static void assertWellFormed(String html) {
        String body = html.replaceAll("(?s)<style>.*?</style>", "<style></style>");
        Deque<String> open = new ArrayDeque<>();
        Matcher tags = TAG.matcher(body.replace("<!DOCTYPE html>", ""));
        while (tags.find()) {
            String name = tags.group(2).toLowerCase(Locale.ROOT);
            String attributes = tags.group(3);
            assertEquals(0, attributes.chars().filter(c -> c == '"').count() % 2, "quoted attributes: " + tags.group());
            if (VOID_ELEMENTS.contains(name)) {
                continue;
            }
            if (tags.group(1).isEmpty()) {
                open.push(name);
            } else {
                assertFalse(open.isEmpty(), "</" + name + "> closes nothing");
                assertEquals(open.pop(), name, "mismatched </" + name + "> at " + tags.start());
            }
        }
        assertTrue(open.isEmpty(), "unclosed: " + open);
    }

    static List<BufferedImage> embeddedImages(String html) throws IOException {
        List<BufferedImage> images = new ArrayList<>();
        Matcher sources = IMG_SRC.matcher(html);
        while (sources.find()) {
            byte[] png = Base64.getDecoder().decode(sources.group(1));
            assertEquals("\u0089PNG", new String(png, 0, 4, StandardCharsets.ISO_8859_1), "a PNG signature");
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertNotNull(image, "ImageIO decodes it");
            images.add(image);
        }
        return images;
    }
}
