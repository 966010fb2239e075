package dev.vclip.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The task commands end to end on the synthetic set with tiny random models: exit codes, output, reports. */
class TaskCommandsTest {

    @TempDir
    Path dir;

    private static CliRun.Result run(String... args) {
        return CliRun.run(args);
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void zeroshotWritesMetricsAndReportAndCountsABadLine() throws IOException {
        Path data = TaskFixtures.dataset();
        Path list = dir.resolve("val.txt");
        Files.writeString(list, Files.readString(data.resolve("val.txt")) + "missing.mp4 0\nnot-a-line\n");
        CliRun.Result r = run("zeroshot", "--model", TaskFixtures.model("xclip").toString(), "--list", list.toString(),
                "--labels", data.resolve("labels.csv").toString(), "--root", data.resolve("videos").toString(),
                "--views", "1x3", "--no-cache", "--out", dir.resolve("zs").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("1 skipped (decode), 1 list lines skipped"), r.out());
        assertTrue(r.out().contains("missing.mp4"), r.out());
        JsonNode metrics = json(dir.resolve("zs/metrics.json")).get("data").get("metrics");
        assertTrue(metrics.get("top1").asDouble() >= 0);
        assertTrue(Files.readString(dir.resolve("zs/report.html")).contains("<img"));
    }

    @Test
    void retrievalReportsBothDirections() throws IOException {
        Path data = TaskFixtures.dataset();
        CliRun.Result r = run("retrieval", "--model", TaskFixtures.model("clip").toString(), "--captions",
                data.resolve("retrieval/captions.csv").toString(), "--out", dir.resolve("rt").toString(),
                "--cache", dir.resolve("cache").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("text->video") && r.out().contains("video->text"), r.out());
        JsonNode t2v = json(dir.resolve("rt/metrics.json")).get("data").get("metrics").get("text_to_video");
        assertTrue(t2v.get("R10").asDouble() >= t2v.get("R1").asDouble());
        CliRun.Result again = run("retrieval", "--model", TaskFixtures.model("clip").toString(), "--captions",
                data.resolve("retrieval/captions.csv").toString(), "--out", dir.resolve("rt2").toString(),
                "--cache", dir.resolve("cache").toString());
        assertTrue(again.out().contains(" from the feature cache") && !again.out().contains("; 0 from the feature cache"),
                again.out());
        assertEquals(json(dir.resolve("rt/metrics.json")).get("data"), json(dir.resolve("rt2/metrics.json")).get("data"),
                "cached features give the same metrics");
    }

    /**
     * --attribute-queries: queries with many right answers ("a red shape") ranked over the same videos, precision@5
     * per kind with its chance level in the table and the JSON; a broken queries file is named.
     */
    @Test
    void retrievalRanksAttributeQueries() throws IOException {
        Path data = TaskFixtures.dataset();
        dev.vclip.data.TaggedTexts texts = dev.vclip.data.TaggedTexts.read(data.resolve("retrieval/texts.jsonl"));
        var root = new ObjectMapper().createObjectNode();
        var clips = root.putObject("clips");
        java.util.Set<String> colours = new java.util.TreeSet<>();
        for (dev.vclip.data.TaggedTexts.Video v : texts.videos()) {
            var tags = clips.putArray(v.id());
            v.tags().forEach(tags::add);
            v.tags().stream().filter(t -> t.startsWith("colour:")).forEach(colours::add);
        }
        var queries = root.putArray("queries");
        for (String colour : colours) {
            var q = queries.addObject().put("kind", "colour").put("text", "a " + colour.substring(7) + " shape");
            q.putArray("tags").add(colour);
        }
        Path file = dir.resolve("attribute_queries.json");
        Files.writeString(file, root.toString());
        CliRun.Result r = run("retrieval", "--model", TaskFixtures.model("xclip").toString(), "--captions",
                data.resolve("retrieval/captions.csv").toString(), "--attribute-queries", file.toString(),
                "--out", dir.resolve("ra").toString(), "--no-cache");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("attribute queries, precision@5") && r.out().contains("colour"), r.out());
        JsonNode colour = json(dir.resolve("ra/metrics.json")).get("data").get("metrics").get("attribute_queries")
                .get("colour");
        assertEquals(colours.size(), colour.get("queries").asInt());
        double p = colour.get("precision_at_5").asDouble();
        assertTrue(p >= 0 && p <= 1, "P@5 " + p);
        assertTrue(colour.get("chance").asDouble() > 0);

        Files.writeString(file, "{\"clips\": {}, \"queries\": [{\"kind\": \"colour\", \"text\": \"a red shape\"}]}");
        CliRun.Result bad = run("retrieval", "--model", TaskFixtures.model("xclip").toString(), "--captions",
                data.resolve("retrieval/captions.csv").toString(), "--attribute-queries", file.toString(),
                "--out", dir.resolve("rb").toString(), "--no-cache");
        assertEquals(1, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.err().contains("attribute_queries.json") && bad.err().contains("queries[0].tags"), bad.err());
    }

    @Test
    void localizeEvalAndLocalizeRunOnTheLongVideo() throws IOException {
        Path data = TaskFixtures.dataset();
        CliRun.Result r = run("localize-eval", "--model", TaskFixtures.model("xclip").toString(), "--triplets",
                data.resolve("localisation/triplets.csv").toString(), "--no-cache", "--out", dir.resolve("le").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("AUROC") && r.out().contains("tIoU 0.5"), r.out());
        JsonNode m = json(dir.resolve("le/metrics.json")).get("data").get("metrics");
        double auroc = m.get("macro_auroc").asDouble();
        assertTrue(auroc > 0 && auroc < 1, "AUROC " + auroc);
        Path video;
        try (var files = Files.list(data.resolve("long"))) {
            video = files.filter(p -> p.toString().endsWith(".mp4")).findFirst().orElseThrow();
        }
        CliRun.Result one = run("localize", video.toString(), "--model", TaskFixtures.model("xclip").toString(), "--query",
                "a red circle moving left", "--no-cache", "--out", dir.resolve("lo").toString());
        assertEquals(0, one.exit(), one.out() + one.err());
        assertTrue(one.out().contains("start") && one.out().contains("score"), one.out());
    }

    @Test
    void classifyPrintsTopFiveAndABrokenVideoExitsWithAMessage() throws IOException {
        Path data = TaskFixtures.dataset();
        Path video;
        try (var files = Files.list(data.resolve("videos"))) {
            video = files.filter(p -> p.toString().endsWith(".mp4")).findFirst().orElseThrow();
        }
        CliRun.Result r = run("classify", video.toString(), "--model", TaskFixtures.model("xclip").toString(), "--labels",
                data.resolve("labels.csv").toString(), "--out", dir.resolve("c").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(4, r.out().lines().filter(l -> l.endsWith("%")).count(), "top-5 of 4 classes: " + r.out());
        Path broken = Files.writeString(dir.resolve("broken.mp4"), "no video here");
        CliRun.Result bad = run("classify", broken.toString(), "--model", TaskFixtures.model("xclip").toString(), "--labels",
                data.resolve("labels.csv").toString(), "--out", dir.resolve("c2").toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("broken.mp4"), bad.err());
    }
}
