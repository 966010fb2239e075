package dev.vclip.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vclip.data.TaggedTexts;
import dev.vclip.model.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TRAIN.LOSS joint: class names plus tagged texts with hard negatives ({@link LossHead.Joint}). */
class JointTrainingTest {

    @TempDir
    Path dir;

    private static TaggedTexts.Text text(String text, String... tags) {
        return new TaggedTexts.Text(text, Set.of(tags));
    }

    /** A text is a positive of every clip that has all its tags; hard negatives are nobody's. */
    @Test
    void targetsSpreadOverEveryClipATextFits() {
        List<Set<String>> videos = List.of(Set.of("colour:red", "shape:circle"), Set.of("colour:red", "shape:star"),
                Set.of("colour:blue", "shape:star"));
        List<TaggedTexts.Text> pool = List.of(
                text("a red circle", "colour:red", "shape:circle"),  // drawn for video 0
                text("a red shape", "colour:red"),                   // drawn for video 1: fits 0 and 1
                text("a star", "shape:star"),                        // drawn for video 2: fits 1 and 2
                text("a blue circle", "colour:blue", "shape:circle"), // negatives
                text("a green star", "colour:green", "shape:star"),
                text("a red square", "colour:red", "shape:square"));
        LossHead.Joint.Targets t = LossHead.Joint.targets(videos, pool, 3);
        assertArrayEquals(new float[]{
                0.5f, 0.5f, 0, 0, 0, 0,
                0, 0.5f, 0.5f, 0, 0, 0,
                0, 0, 1, 0, 0, 0}, t.videoToText());
        assertArrayEquals(new float[]{
                1, 0, 0,
                0.5f, 0.5f, 0,
                0, 0.5f, 0.5f}, t.textToVideo());
    }

    /** Untagged texts (plain captions) fit only the clip they were drawn for: CLIP's InfoNCE. */
    @Test
    void untaggedTextsFitOnlyTheirOwnClip() {
        List<Set<String>> videos = List.of(Set.of(), Set.of());
        List<TaggedTexts.Text> pool = List.of(text("one"), text("two"), text("a red shape", "colour:red"));
        LossHead.Joint.Targets t = LossHead.Joint.targets(videos, pool, 2);
        assertArrayEquals(new float[]{1, 0, 0, 0, 1, 0}, t.videoToText());
        assertArrayEquals(new float[]{1, 0, 0, 1}, t.textToVideo());
    }

    @Test
    void jointStepsLowerTheLoss() {
        MicroBatch base = TrainFixtures.randomBatch(4, 17);
        Set<String> a = Set.of("colour:red", "shape:circle", "action:moving left");
        Set<String> b = Set.of("colour:blue", "shape:circle", "action:moving right");
        Set<String> c = Set.of("colour:red", "shape:star", "action:growing");
        Set<String> d = Set.of("colour:green", "shape:cross", "action:shrinking");
        MicroBatch batch = new MicroBatch(base.pixels(), 4, base.frames(), base.size(), base.targets(), base.labels(),
                null, new MicroBatch.Tagged(List.of(a, b, c, d),
                List.of(text("a red circle moving left", a.toArray(String[]::new)), text("a blue shape", "colour:blue"),
                        text("a star growing", "shape:star", "action:growing"), text("a green cross", "colour:green",
                                "shape:cross")),
                List.of(text("a red circle moving right", "colour:red", "shape:circle", "action:moving right"),
                        text("a blue star", "colour:blue", "shape:star"),
                        text("a star shrinking", "shape:star", "action:shrinking"),
                        text("a green circle", "colour:green", "shape:circle"))));
        try (TrainableModel tm = TrainFixtures.model("xclip", 3, n -> true);
             Trainer trainer = new Trainer(tm, new LossHead.Joint(TrainFixtures.CLASS_TEXTS, 1.0),
                     new LrSchedule(1e-3, 1000, 0, 1, 1), new Trainer.Settings(1, 1.0, 0.001))) {
            double first = trainer.step(List.of(batch)).loss();
            // near chance at random init: ln 4 classes + ln 8 pool texts / ln 4 clips, averaged
            assertEquals(Math.log(4) + (Math.log(8) + Math.log(4)) / 2, first, 1.0);
            double last = first;
            for (int i = 0; i < 12; i++) {
                last = trainer.step(List.of(batch)).loss();
            }
            assertTrue(last < first * 0.6, first + " -> " + last);
        }
    }

    /**
     * A short run over vclip synth's retrieval/texts.jsonl writes a model; without DATA.TEXTS, or with the text tower
     * frozen (MODEL.FIX_TEXT, the default), it is refused.
     */
    @Test
    void aShortJointRunOnSynthTextsWritesAModel() throws Exception {
        Path texts = TrainFixtures.dataset().resolve("retrieval/texts.jsonl");
        assertTrue(Files.isRegularFile(texts), "vclip synth writes " + texts);
        Path out = dir.resolve("run");
        TrainConfig cfg = TrainFixtures.datasetConfig(out, "TRAIN.LOSS", "joint", "DATA.TEXTS", texts.toString(),
                "AUG.TRAIN_AUGMENT", "false", "TRAIN.BATCH_SIZE", "4", "SEED", "3", "MODEL.FIX_TEXT", "false");
        TrainRun.Result result = TrainRun.run(cfg, new TrainRun.Options(null, false, -1,
                new PrintStream(new ByteArrayOutputStream()), "test", dev.vclip.report.Progress.Factory.SILENT));
        assertTrue(result.updates() >= 4, "updates: " + result.updates());
        assertTrue(Files.isRegularFile(result.model().resolve("model.safetensors")));
        List<Double> losses = new ArrayList<>();
        for (JsonNode n : TrainLog.read(out.resolve("log.jsonl"))) {
            if ("train".equals(n.path("type").asText())) {
                losses.add(n.path("loss").asDouble());
            }
        }
        assertTrue(!losses.isEmpty() && losses.stream().allMatch(Double::isFinite), losses.toString());

        TrainConfig noTexts = TrainFixtures.datasetConfig(dir.resolve("run2"), "TRAIN.LOSS", "joint");
        ConfigException e = assertThrows(ConfigException.class, () -> TrainRun.run(noTexts, new TrainRun.Options(null,
                false, -1, new PrintStream(new ByteArrayOutputStream()), "test",
                dev.vclip.report.Progress.Factory.SILENT)));
        assertTrue(e.getMessage().contains("DATA.TEXTS"), e.getMessage());
        TrainConfig frozenText = TrainFixtures.datasetConfig(dir.resolve("run3"), "TRAIN.LOSS", "joint", "DATA.TEXTS",
                texts.toString());
        e = assertThrows(ConfigException.class, () -> TrainRun.run(frozenText, new TrainRun.Options(null,
                false, -1, new PrintStream(new ByteArrayOutputStream()), "test",
                dev.vclip.report.Progress.Factory.SILENT)));
        assertTrue(e.getMessage().contains("no text parameter trains"), e.getMessage());
    }
}
