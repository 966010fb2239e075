package dev.vclip.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.cli.CliRun;
import dev.vclip.eval.LocalisationMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The task commands' share of the command-line conventions, on the synthetic set with tiny random models: reports
 * that reproduce their run, rates in one unit, --top, --json, classify's report, progress in windows.
 */
class TaskConventionsTest {

    @TempDir
    Path dir;

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    private static Path first(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".mp4")).sorted().findFirst().orElseThrow();
        }
    }

    @Test
    void zeroshotRecordsItsCommandLineAndWritesRatesAsFractionsOnce() throws IOException {
        Path data = TaskFixtures.dataset();
        CliRun.Result r = CliRun.run("zeroshot", "--model", TaskFixtures.model("xclip").toString(), "--list",
                data.resolve("val.txt").toString(), "--labels", data.resolve("labels.csv").toString(), "--root",
                data.resolve("videos").toString(), "--template", "a video of {}", "--top", "2", "--no-cache", "--out",
                dir.resolve("zs").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode report = json(dir.resolve("zs/metrics.json"));
        String command = report.path("command").asText();
        assertTrue(command.contains("--template 'a video of {}'") && command.contains("--root ")
                && command.contains("--top 2") && command.contains("--no-cache"), command);
        JsonNode metrics = report.path("data").path("metrics");
        assertEquals("fraction", metrics.path("rate_unit").asText());
        assertEquals(report.path("summary").path("top-1").asDouble(), metrics.path("top1").asDouble(), 1e-12);
        for (JsonNode perClass : metrics.path("per_class_accuracy")) {
            assertTrue(perClass.asDouble() >= 0 && perClass.asDouble() <= 1, metrics.toString());
        }
        for (JsonNode table : report.path("tables")) {
            if (table.path("title").asText().equals("Per-class accuracy")) {
                for (JsonNode row : table.path("rows")) {
                    assertTrue(row.get(2).asDouble() <= 1, "a Percent cell is stored as its fraction: " + row);
                }
            }
        }
        assertEquals(2, report.path("data").path("predictions").get(0).path("top").size());
    }

    @Test
    void zeroshotJsonIsTheReportOnStandardOutput() throws IOException {
        Path data = TaskFixtures.dataset();
        CliRun.Result r = CliRun.run("zeroshot", "--model", TaskFixtures.model("clip").toString(), "--list",
                data.resolve("val.txt").toString(), "--labels", data.resolve("labels.csv").toString(), "--json",
                "--no-cache", "--out", dir.resolve("zs").toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(json(dir.resolve("zs/metrics.json")).path("data"), new ObjectMapper().readTree(r.out()).path("data"));
    }

    @Test
    void classifyWritesItsReportAndShowsTheTopK() throws IOException {
        Path data = TaskFixtures.dataset();
        Path video = first(data.resolve("videos"));
        CliRun.Result r = CliRun.run("classify", video.toString(), "--model", TaskFixtures.model("xclip").toString(),
                "--labels", data.resolve("labels.csv").toString(), "--top", "2", "--out", dir.resolve("c").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(2, r.out().lines().filter(l -> l.endsWith("%")).count(), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("c/report.html")));
        JsonNode report = json(dir.resolve("c/report.json"));
        assertEquals(2, report.path("data").path("classes").path("classes").size(), report.toString());
        assertTrue(report.path("command").asText().contains("--top 2"), report.path("command").asText());
        CliRun.Result asJson = CliRun.run("classify", video.toString(), "--model", TaskFixtures.model("xclip").toString(),
                "--labels", data.resolve("labels.csv").toString(), "--json", "--out", dir.resolve("c2").toString());
        assertEquals(0, asJson.exit(), asJson.err());
        JsonNode classes = new ObjectMapper().readTree(asJson.out()).path("classes");
        assertEquals(4, classes.size(), "top 5 of 4 classes");
        double sum = 0;
        for (JsonNode c : classes) {
            sum += c.path("probability").asDouble();
        }
        assertEquals(1.0, sum, 1e-6, "probabilities of all classes");
    }

    @Test
    void retrievalListsTheTopKVideosPerCaptionAndChance() throws IOException {
        Path data = TaskFixtures.dataset();
        CliRun.Result r = CliRun.run("retrieval", "--model", TaskFixtures.model("clip").toString(), "--captions",
                data.resolve("retrieval/captions.csv").toString(), "--top", "3", "--no-cache", "--out",
                dir.resolve("rt").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode report = json(dir.resolve("rt/metrics.json"));
        JsonNode top = report.path("data").path("top");
        assertTrue(top.size() > 0);
        top.forEach(row -> assertEquals(3, row.path("top").size(), row.toString()));
        JsonNode t2v = report.path("data").path("metrics").path("text_to_video");
        int videos = report.path("data").path("metrics").path("videos").size();
        assertEquals(1.0 / videos, t2v.path("chance_R1").asDouble(), 1e-12);
        assertTrue(t2v.path("R1").asDouble() <= 1, "a fraction: " + t2v);
        assertTrue(report.path("charts").toString().contains("Recall at K"), report.path("charts").toString());
    }

    @Test
    void localizeShowsProgressInWindowsKeepsTopKSegmentsAndRecordsItsOptions() throws IOException {
        Path data = TaskFixtures.dataset();
        Path video = first(data.resolve("long"));
        CliRun.Result r = CliRun.run("localize", video.toString(), "--model", TaskFixtures.model("xclip").toString(),
                "--query", "a red circle moving left", "--window", "8", "--stride", "4", "--top", "1", "--no-cache",
                "--out", dir.resolve("lo").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        int windows = LocalisationMetrics.windowStarts(Localisation.frameCount(video.toString()), 8, 4).length;
        assertTrue(windows > 1, windows + " windows");
        assertEquals(windows, lastProgressCount(r.err(), "localize: encode windows"), r.err());
        JsonNode report = json(dir.resolve("lo/segments.json"));
        String command = report.path("command").asText();
        assertTrue(command.contains("--window 8 --stride 4") && command.contains("--query 'a red circle moving left'"),
                command);
        JsonNode segments = report.path("data").path("segments").path("queries").get(0).path("segments");
        assertTrue(segments.size() <= 1, segments.toString());
        assertTrue(r.out().contains("normalised score"), "the table's scores say they are normalised: " + r.out());
    }

    @Test
    void localizeEvalShowsProgressInWindows() throws IOException {
        Path data = TaskFixtures.dataset();
        CliRun.Result r = CliRun.run("localize-eval", "--model", TaskFixtures.model("clip").toString(), "--triplets",
                data.resolve("localisation/triplets.csv").toString(), "--no-cache", "--out", dir.resolve("le").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        int windows = 0;
        try (var files = Files.list(data.resolve("long"))) {
            for (Path video : files.filter(p -> p.toString().endsWith(".mp4")).toList()) {
                windows += LocalisationMetrics.windowStarts(Localisation.frameCount(video.toString()),
                        Localisation.DEFAULT_WINDOW, Localisation.DEFAULT_STRIDE).length;
            }
        }
        assertEquals(windows, lastProgressCount(r.err(), "localize-eval: encode windows"), r.err());
        assertTrue(json(dir.resolve("le/metrics.json")).path("command").asText().contains("--triplets"));
    }

    /** The total of the last "task ... done/total" progress line, checking that done reached it. */
    private static int lastProgressCount(String err, String task) {
        Matcher m = Pattern.compile(Pattern.quote(task) + ".*?(\\d+)/(\\d+)").matcher(err);
        String done = null;
        String total = "-1";
        while (m.find()) {
            done = m.group(1);
            total = m.group(2);
        }
        assertEquals(total, done, "the last line shows every window done");
        return Integer.parseInt(total);
    }

    @Test
    void usageErrorsComeBeforeAnyWork() {
        List<String> args = List.of("localize", "missing.mp4", "--model", "nowhere", "--query", "x", "--window", "0");
        CliRun.Result r = CliRun.run(args.toArray(new String[0]));
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("'--window'") && !r.err().contains("windowLength") && !r.err().contains("missing.mp4"),
                r.err());
    }
}
