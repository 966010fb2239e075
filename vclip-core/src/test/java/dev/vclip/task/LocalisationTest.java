package dev.vclip.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vclip.data.Triplets;
import dev.vclip.model.Trace;
import dev.vclip.model.XClip;
import dev.vclip.weights.Torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalisationTest {

    private static Path longVideo() throws Exception {
        try (var files = Files.list(TaskFixtures.dataset().resolve("long"))) {
            return files.filter(p -> p.toString().endsWith(".mp4")).sorted().findFirst().orElseThrow();
        }
    }

    @Test
    void pairScoringOfCachedWindowsEqualsANaiveForwardPerWindowAndQuery() throws Exception {
        String spec = longVideo().toString();
        List<String> queries = List.of("a red circle moving left", "a blue square growing", "something shrinking");
        try (XClip model = XClip.load(TaskFixtures.model("xclip")); NDManager manager = Torch.newManager()) {
            int frames = model.videoInput().frames();
            ClipSampler sampler = Localisation.windowSampler(frames, 16, 8, 32);
            VideoEncoder encoder = new VideoEncoder(model, sampler, null, 2, 8);
            VideoEncoder.Encoded windows = encoder.encodeAll(List.of(spec), null).encoded().get(0);
            int frameCount;
            try (var video = dev.vclip.video.VideoSources.open(spec)) {
                frameCount = video.info().frameCount();
            }
            List<Localisation.QueryScores> scores = Localisation.score(model, windows, frameCount, queries, 16, 8);

            ClipSampler.Clips clips = sampler.read(spec);
            int perWindow = clips.pixels().length / clips.clips();
            NDArray[] text = new NDArray[2];
            var enc = model.tokenizer().encode(queries, model.config().text().maxPositionEmbeddings(),
                    dev.vclip.tokenizer.ClipTokenizer.Framing.HF);
            double worst = 0;
            for (int w = 0; w < clips.clips(); w += 5) { // every fifth window keeps the test quick
                float[] pixels = Arrays.copyOfRange(clips.pixels(), w * perWindow, (w + 1) * perWindow);
                NDArray video = manager.create(pixels, new Shape(1, frames, 3, 32, 32));
                for (int q = 0; q < queries.size(); q++) {
                    text[0] = manager.create(enc.inputIds()[q], new Shape(1, enc.inputIds()[q].length));
                    text[1] = manager.create(enc.attentionMask()[q], new Shape(1, enc.attentionMask()[q].length));
                    float naive = model.forward(text[0], text[1], video, Trace.NONE).logitsPerVideo().getFloat(0, 0);
                    double cached = scores.get(q).windowScores()[w];
                    worst = Math.max(worst, Math.abs(naive - cached));
                }
            }
            assertTrue(worst <= 1e-5, "cached pair scores vs naive forward: max |diff| " + worst);
            Localisation.QueryScores first = scores.get(0);
            assertEquals(first.windowStarts()[first.windowStarts().length - 1] + 16, first.frameScores().length);
        }
    }

    @Test
    void theTripletsOfTheSyntheticLongVideosParse() {
        Triplets triplets = Triplets.read(TaskFixtures.dataset().resolve("localisation/triplets.csv"));
        assertTrue(triplets.triplets().size() >= 3);
    }
}
