package dev.vclip.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vclip retrieval --protocol ... --sampling ...} end to end, and its usage errors. */
class RetrievalProtocolsCommandTest {

    @TempDir
    Path dir;

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void paragraphProtocolWithClip4ClipSamplingOnVideosOfDifferentLengths() throws IOException {
        Path model = ProtocolFixtures.writeModel(dir.resolve("c4c"), ProtocolFixtures.clip4clip("seqTransf", 16, 4), 3);
        Map<String, Integer> seconds = new LinkedHashMap<>();
        seconds.put("v_short", 1);
        seconds.put("v_long", 7);
        seconds.put("v_mid", 3);
        ProtocolFixtures.writeVideos(dir.resolve("videos"), seconds);
        Path captions = dir.resolve("val_1.json");
        Files.writeString(captions, """
                {
                  "v_short": {"duration": 1.0, "timestamps": [[0, 1]], "sentences": ["a red flash"]},
                  "v_long": {"duration": 7.0, "timestamps": [[0, 3], [3, 7]],
                             "sentences": ["a slow blue fade", " then it turns green"]},
                  "v_mid": {"duration": 3.0, "timestamps": [[0, 3]], "sentences": ["a pale screen"]}
                }
                """);
        CliRun.Result r = CliRun.run("retrieval", "--model", model.toString(), "--captions", captions.toString(),
                "--protocol", "paragraph", "--sampling", "clip4clip", "--slice-framepos", "2", "--frame-rate", "1",
                "--no-cache", "--out", dir.resolve("out").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("protocol   paragraph"), r.out());
        assertTrue(r.out().contains("3 scored, 0 skipped; 3 captions"), r.out());
        JsonNode metrics = json(dir.resolve("out/metrics.json")).path("data").path("metrics");
        assertEquals("paragraph", metrics.path("protocol").asText());
        assertTrue(metrics.path("sampling").asText().startsWith("Clip4ClipFrames[frameRate=1, maxFrames=4, slice=UNIFORM"),
                metrics.toString());
        assertEquals(List.of("v_short", "v_long", "v_mid"), List.of(metrics.path("videos").get(0).asText(),
                metrics.path("videos").get(1).asText(), metrics.path("videos").get(2).asText()));
        assertEquals("[1,1,1]", metrics.path("captions_per_video").toString());
        JsonNode top = json(dir.resolve("out/metrics.json")).path("data").path("top");
        assertEquals("a slow blue fade  then it turns green", top.get(1).path("caption").asText());
    }

    @Test
    void msrvtt1kRefusesAVideoWithSeveralCaptionsNamingItsLine() throws IOException {
        Path captions = dir.resolve("captions.csv");
        Files.writeString(captions, "video_id,sentence\na,one\nb,two\nb,three\n");
        CliRun.Result r = CliRun.run("retrieval", "--model", TaskFixtures.model("clip").toString(), "--captions",
                captions.toString(), "--protocol", "msrvtt-1k", "--no-cache", "--out", dir.resolve("o").toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(captions + ":3: video 'b' has 2 captions"), r.err());
    }

    @Test
    void centerclipRunsAFixedFrameModelOnTheSyntheticSet() throws IOException {
        Path data = TaskFixtures.dataset();
        CliRun.Result r = CliRun.run("retrieval", "--model", TaskFixtures.model("xclip").toString(), "--captions",
                data.resolve("retrieval/test_jsfusion.csv").toString(), "--protocol", "msrvtt-1k", "--sampling",
                "centerclip", "--no-cache", "--out", dir.resolve("cc").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode metrics = json(dir.resolve("cc/metrics.json")).path("data").path("metrics");
        assertEquals("msrvtt-1k", metrics.path("protocol").asText());
        assertTrue(metrics.path("sampling").asText().contains("repeatLast=true"), metrics.toString());
    }

    @Test
    void protocolAndSamplingMistakesAreUsageErrors() {
        String clip = TaskFixtures.model("clip").toString();
        String xclip = TaskFixtures.model("xclip").toString();
        String captions = TaskFixtures.dataset().resolve("retrieval/captions.csv").toString();
        Map<List<String>, String> cases = new LinkedHashMap<>();
        cases.put(List.of("--model", clip, "--protocol", "didemo"),
                "Invalid value for option '--protocol': expected msrvtt-1k, msvd or paragraph, not 'didemo'");
        cases.put(List.of("--model", clip, "--sampling", "clip4clip", "--slice-framepos", "3"),
                "Invalid value for option '--slice-framepos': must be 0 (first), 1 (last) or 2 (uniform), not 3");
        cases.put(List.of("--model", clip, "--sampling", "clip4clip", "--frame-rate", "-1"),
                "Invalid value for option '--frame-rate'");
        cases.put(List.of("--model", clip, "--sampling", "tsn"), "Invalid value for option '--sampling'");
        cases.put(List.of("--model", clip, "--slice-framepos", "1"),
                "--slice-framepos is a setting of --sampling clip4clip, not middle");
        cases.put(List.of("--model", clip, "--end-second", "31"),
                "--end-second is a setting of --sampling clip4clip or centerclip, not middle");
        cases.put(List.of("--model", xclip, "--sampling", "clip4clip"),
                "but this model takes exactly 4 frames per clip");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            List<String> args = new java.util.ArrayList<>(List.of("retrieval", "--captions", captions, "--no-cache",
                    "--out", dir.resolve("x").toString()));
            args.addAll(c.getKey());
            CliRun.Result r = CliRun.run(args.toArray(new String[0]));
            assertEquals(2, r.exit(), c.getKey() + ": " + r.err());
            assertTrue(r.err().contains(c.getValue()), c.getKey() + ": " + r.err());
        }
    }
}
