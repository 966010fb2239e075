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
}
