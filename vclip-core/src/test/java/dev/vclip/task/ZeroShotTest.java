package dev.vclip.task;

import dev.vclip.data.LabelTable;
import dev.vclip.data.ParseReport;
import dev.vclip.data.VideoEntry;
import dev.vclip.data.VideoList;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.video.Sampling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZeroShotTest {

    @TempDir
    Path dir;

    private static List<VideoEntry> valEntries(LabelTable labels) {
        Path data = TaskFixtures.dataset();
        return VideoList.read(data.resolve("val.txt"), data.resolve("videos").toString(), labels,
                ParseReport.strict()).entries();
    }

    @Test
    void xclipZeroShotScoresEveryVideoAndSkipsACorruptOne() throws IOException {
        Path data = TaskFixtures.dataset();
        LabelTable labels = LabelTable.read(data.resolve("labels.csv"));
        List<VideoEntry> entries = new ArrayList<>(valEntries(labels));
        Path corrupt = Files.writeString(dir.resolve("broken.mp4"), "this is not a video");
        entries.add(new VideoEntry(dir.toString(), "broken.mp4", 0, 99));
        try (VideoTextModel model = ModelFolder.load(TaskFixtures.model("xclip"))) {
            ClipSampler sampler = new ClipSampler(new Sampling.SegmentMiddle(4, 2), 32, 1, null);
            VideoEncoder encoder = new VideoEncoder(model, sampler, null, 2, 4);
            ZeroShot.Result r = ZeroShot.run(model, entries, labels, "a video of {}", encoder, null);
            assertEquals(entries.size() - 1, r.videos().size());
            assertEquals(1, r.skipped().size());
            assertEquals(corrupt.toString(), r.skipped().get(0).spec());
            assertTrue(r.metrics().top1() >= 0 && r.metrics().top1() <= 100, "top-1 " + r.metrics().top1());
            assertTrue(r.metrics().top5() >= r.metrics().top1());
            assertEquals(labels.size(), r.perClassAccuracy().length);
        }
    }

    @Test
    void cachedFeaturesEqualFreshOnesAndAreUsed() {
        Path data = TaskFixtures.dataset();
        LabelTable labels = LabelTable.read(data.resolve("labels.csv"));
        List<String> specs = valEntries(labels).stream().map(VideoEntry::spec).toList();
        try (VideoTextModel model = ModelFolder.load(TaskFixtures.model("xclip"));
             FeatureStore store = FeatureStore.open(dir.resolve("cache"), Scoring.modelKey(model))) {
            ClipSampler sampler = new ClipSampler(new Sampling.SegmentMiddle(4, 1), 32, 3, null);
            VideoEncoder.Result fresh = new VideoEncoder(model, sampler, null, 2, 3).encodeAll(specs, null);
            VideoEncoder.Result first = new VideoEncoder(model, sampler, store, 2, 3).encodeAll(specs, null);
            VideoEncoder.Result second = new VideoEncoder(model, sampler, store, 2, 3).encodeAll(specs, null);
            assertEquals(0, first.fromCache());
            assertEquals(specs.size(), second.fromCache());
            assertEquals(specs.size(), store.size());
            for (int i = 0; i < specs.size(); i++) {
                assertEquals(3, fresh.encoded().get(i).clips(), "three crops");
                assertArrayEquals(fresh.encoded().get(i).features(), second.encoded().get(i).features(), 1e-6f);
                assertArrayEquals(fresh.encoded().get(i).context(), second.encoded().get(i).context(), 1e-6f);
            }
        }
    }

    /**
     * Zero-shot scores each video as it is encoded and keeps only its logits: the streamed run gives the logits
     * that scoring every encoding at once gives, and the encoder hands over each encoding exactly once.
     */
    @Test
    void zeroShotStreamsEncodingsAndScoresAsScoringThemAllAtOnce() {
        Path data = TaskFixtures.dataset();
        LabelTable labels = LabelTable.read(data.resolve("labels.csv"));
        List<VideoEntry> entries = valEntries(labels);
        List<String> specs = entries.stream().map(VideoEntry::spec).toList();
        try (VideoTextModel model = ModelFolder.load(TaskFixtures.model("xclip"))) {
            ClipSampler sampler = new ClipSampler(new Sampling.SegmentMiddle(4, 2), 32, 1, null);
            int[] handed = new int[specs.size()];
            VideoEncoder.Streamed streamed = new VideoEncoder(model, sampler, null, 2, 3).encodeEach(specs, null,
                    (index, e) -> handed[index]++);
            assertEquals(0, streamed.skipped().size());
            for (int h : handed) {
                assertEquals(1, h);
            }
            List<String> texts = new ArrayList<>();
            for (int c = 0; c < labels.size(); c++) {
                texts.add(ZeroShot.classText("a video of {}", labels.name(c)));
            }
            VideoEncoder.Result all = new VideoEncoder(model, sampler, null, 2, 3).encodeAll(specs, null);
            float[][] together = Scoring.logits(model, all.encoded(), Scoring.textFeatures(model, texts), 32);
            ZeroShot.Result run = ZeroShot.run(model, entries, labels, "a video of {}",
                    new VideoEncoder(model, sampler, null, 2, 3), null);
            float[][][] expected = new float[specs.size()][][];
            int row = 0;
            for (int v = 0; v < specs.size(); v++) {
                expected[v] = java.util.Arrays.copyOfRange(together, row, row + all.encoded().get(v).clips());
                row += all.encoded().get(v).clips();
            }
            assertEquals(dev.vclip.eval.ClassificationMetrics.evaluate(expected,
                    entries.stream().mapToInt(VideoEntry::label).toArray()).top1(), run.metrics().top1(), 1e-9);
        }
    }
}
