package dev.vclip.task;

import dev.vclip.data.Captions;
import dev.vclip.data.DatasetFormatException;
import dev.vclip.data.ParseReport;
import dev.vclip.eval.RetrievalMetrics;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.video.Sampling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retrieval protocols, CLIP4Clip's text context, and videos of different frame counts in one run. */
class RetrievalProtocolTest {

    @TempDir
    Path dir;

    private static Captions twoVideos() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        map.put("a", List.of("a dog runs", "it jumps"));
        map.put("b", List.of("a cat sleeps"));
        return Captions.of(map);
    }

    @Test
    void eachProtocolGroupsTheCaptionsItRanks() {
        Captions captions = twoVideos();
        assertSame(captions, Retrieval.Protocol.MSVD.captions(captions));
        assertEquals(List.of("a dog runs it jumps", "a cat sleeps"),
                Retrieval.Protocol.PARAGRAPH.captions(captions).captionTexts());
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Retrieval.Protocol.MSRVTT_1K.captions(captions));
        assertTrue(e.getMessage().contains("video 'a' has 2 captions, but the msrvtt-1k protocol ranks one caption"
                + " per video"), e.getMessage());
        Captions single = Captions.of(Map.of("c", List.of("one")));
        assertSame(single, Retrieval.Protocol.MSRVTT_1K.captions(single));

        assertEquals(Retrieval.Protocol.MSRVTT_1K, Retrieval.Protocol.of("MSRVTT-1k"));
        assertEquals("paragraph", Retrieval.Protocol.PARAGRAPH.id());
        assertThrows(IllegalArgumentException.class, () -> Retrieval.Protocol.of("didemo"));

        float[][] square = {{0.9f, 0.1f}, {0.2f, 0.8f}};
        assertInstanceOf(RetrievalMetrics.SingleCaptionResult.class,
                Retrieval.Protocol.PARAGRAPH.metrics(square, new int[] {1, 1}));
        assertInstanceOf(RetrievalMetrics.SingleCaptionResult.class,
                Retrieval.Protocol.MSRVTT_1K.metrics(square, new int[] {1, 1}));
        assertInstanceOf(RetrievalMetrics.MultiCaptionResult.class,
                Retrieval.Protocol.MSVD.metrics(square, new int[] {1, 1}));
    }

    @Test
    void clip4clipCutsTextsToMaxWordsOtherModelsToTheirContext() {
        try (VideoTextModel c4c = ModelFolder.random(ProtocolFixtures.clip4clip("meanP", 12, 4), 1);
             VideoTextModel clip = ModelFolder.random(TaskFixtures.tinyConfig("clip"), 1)) {
            assertEquals(12, c4c.textContext());
            assertEquals(clip.config().text().maxPositionEmbeddings(), clip.textContext());
        }
    }

    @Test
    void scoringGivesEveryVideoTheSameLogitsAloneOrAmongVideosOfOtherFrameCounts() {
        for (String header : List.of("tightTransf", "meanP")) {
            try (VideoTextModel model = ModelFolder.random(ProtocolFixtures.clip4clip(header, 16, 4), 7)) {
                VideoEncoder encoder = new VideoEncoder(model, null, null, 1, 4);
                Random random = new Random(3);
                List<VideoEncoder.Encoded> videos = new ArrayList<>();
                for (int frames : new int[] {2, 3, 2, 1}) {
                    float[] pixels = new float[frames * 3 * 32 * 32];
                    for (int i = 0; i < pixels.length; i++) {
                        pixels[i] = (float) random.nextGaussian();
                    }
                    videos.add(encoder.encodeClips(new ClipSampler.Clips(1, frames, 32, pixels)));
                }
                if (header.equals("tightTransf")) {
                    assertEquals(List.of(2, 3, 2, 1), videos.stream().map(VideoEncoder.Encoded::contextTokens).toList(),
                            "tightTransf keeps one context row per frame");
                }
                float[][] texts = Scoring.textFeatures(model, List.of("a red circle", "two dogs play", "rain"));
                float[][] together = Scoring.logits(model, videos, texts, 32);
                for (int v = 0; v < videos.size(); v++) {
                    float[] alone = Scoring.logits(model, List.of(videos.get(v)), texts, 32)[0];
                    assertArrayEquals(alone, together[v], 1e-5f, header + " video " + v);
                }
            }
        }
    }

    @Test
    void paragraphRetrievalWithClip4ClipSamplingOnVideosOfDifferentLengths() throws Exception {
        Map<String, Integer> seconds = new LinkedHashMap<>();
        seconds.put("short", 1);   // 5 frames at 5 fps: second 0 -> frame 0
        seconds.put("middle", 3);  // 15 frames: 0, 5, 10
        seconds.put("long", 6);    // 30 frames: 0, 5, ..., 25; linspace(0, 5, 4) = 0 1 3 5 -> 0, 5, 15, 25
        Path videos = dir.resolve("videos");
        ProtocolFixtures.writeVideos(videos, seconds);
        Path json = dir.resolve("test_data.json");
        Files.writeString(json, """
                [
                  {"video": "long", "description": "a blue square slides to the left", "times": [[0, 1]]},
                  {"video": "short", "description": "a red circle", "times": [[0, 0]]},
                  {"video": "long", "description": "then it keeps moving", "times": [[2, 3]]},
                  {"video": "middle", "description": "a green triangle grows", "times": [[1, 1]]}
                ]
                """);
        Captions captions = Captions.read(json, ParseReport.strict());
        try (VideoTextModel model = ModelFolder.random(ProtocolFixtures.clip4clip("tightTransf", 8, 4), 5)) {
            Sampling sampling = new Sampling.Clip4ClipFrames(4, Sampling.FrameSlice.UNIFORM);
            VideoEncoder encoder = new VideoEncoder(model, new ClipSampler(sampling, 32, 1, null), null, 2, 4);
            List<String> specs = captions.videoIds().stream().map(VideoFiles.in(videos)).toList();
            VideoEncoder.Result encoded = encoder.encodeAll(specs, null);
            assertEquals(List.of(4, 1, 3), encoded.encoded().stream().map(VideoEncoder.Encoded::contextTokens).toList(),
                    "frames per video, in caption order (long, short, middle)");

            Retrieval.Result r = Retrieval.run(model, captions, Retrieval.Protocol.PARAGRAPH, VideoFiles.in(videos),
                    encoder, null);
            assertEquals(List.of("long", "short", "middle"), r.videoIds());
            assertTrue(r.skipped().isEmpty(), r.skipped().toString());
            assertEquals(List.of("a blue square slides to the left then it keeps moving", "a red circle",
                    "a green triangle grows"), r.captions());
            assertArrayEquals(new int[] {1, 1, 1}, r.captionsPerVideo());
            assertEquals(3, r.sim().length);
            assertEquals(3, r.sim()[0].length);
            assertInstanceOf(RetrievalMetrics.SingleCaptionResult.class, r.metrics());
            assertEquals(Retrieval.Protocol.PARAGRAPH, r.protocol());
            // max_words 8 leaves 6 tokens: only the joined paragraph of 'long' is longer
            assertEquals(List.of("a blue square slides to the left then it keeps moving"), r.truncatedCaptions());
            for (float[] row : r.sim()) {
                for (float s : row) {
                    assertTrue(Float.isFinite(s));
                }
            }
        }
    }
    @Test
    void videoFilesTryDidemoAndActivityNetNamesAfterTheIdItself() throws Exception {
        Path videos = Files.createDirectories(dir.resolve("names"));
        Files.writeString(videos.resolve("abc_123.mp4"), "");
        Files.writeString(videos.resolve("QOlSCBRmfWY.mkv"), "");
        Files.writeString(videos.resolve("v_exact.mp4"), "");
        var find = VideoFiles.in(videos);
        assertEquals(videos.resolve("abc_123.mp4").toString(), find.apply("abc_123.mov"), "DiDeMo .mov converted");
        assertEquals(videos.resolve("QOlSCBRmfWY.mkv").toString(), find.apply("v_QOlSCBRmfWY"), "ActivityNet v_");
        assertEquals(videos.resolve("v_exact.mp4").toString(), find.apply("v_exact"), "the id itself first");
        assertEquals(videos.resolve("v_missing.mp4").toString(), find.apply("v_missing"));
    }
}
