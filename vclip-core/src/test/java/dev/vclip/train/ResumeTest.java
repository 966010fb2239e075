package dev.vclip.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vclip.model.ConfigException;
import dev.vclip.model.VideoTextModel;
import dev.vclip.model.XClip;
import dev.vclip.weights.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole runs on the synthetic dataset (real decoding, X-CLIP augmentation, mixup/cutmix, accumulation 2,
 * validation each epoch): a run stopped after 5 of 8 updates and resumed from its last checkpoint (update 4) ends
 * with bit-identical weights to a run that was never stopped, and its log reads as one run.
 */
class ResumeTest {

    @TempDir
    Path dir;

    private static final String[] OPTS = {"TRAIN.ACCUMULATION_STEPS", "2", "TRAIN.CHECKPOINT_STEPS", "2",
            "TRAIN.WARMUP_EPOCHS", "0.5", "TRAIN.CLIP_GRAD", "5.0", "AUG.MIXUP", "0.8", "AUG.LABEL_SMOOTH", "0.1"};

    private static TrainRun.Options quiet(Path config) {
        return new TrainRun.Options(config, false, -1, new PrintStream(new ByteArrayOutputStream()), "test",
                dev.vclip.report.Progress.Factory.SILENT);
    }

    @Test
    void stoppedAndResumedRunEndsWithTheSameWeights() throws Exception {
        Path straight = dir.resolve("straight");
        TrainRun.Result a = TrainRun.run(TrainFixtures.datasetConfig(straight, OPTS), quiet(null));
        assertEquals(8, a.updates());
        assertFalse(a.stoppedEarly());
        assertNotNull(a.finalEval());

        Path interrupted = dir.resolve("interrupted");
        TrainConfig cfg = TrainFixtures.datasetConfig(interrupted, OPTS);
        TrainRun.Result first = TrainRun.run(cfg, quiet(null).stoppingAfter(5));
        assertTrue(first.stoppedEarly());
        assertEquals(5, first.updates());
        Path latest = Checkpoints.latest(interrupted.resolve("checkpoints"));
        assertEquals("step-00000004", latest.getFileName().toString()); // update 5 was lost with the "kill"

        // a fresh start into the same OUTPUT is refused; --resume continues
        ConfigException refused = assertThrows(ConfigException.class, () -> TrainRun.run(cfg, quiet(null)));
        assertTrue(refused.getMessage().contains("--resume"), refused.getMessage());
        Checkpoints.State state = Checkpoints.readState(latest);
        JsonNode stateJson = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(latest.resolve(Checkpoints.STATE_FILE).toFile());
        assertEquals("fraction", stateJson.path("rate_unit").asText());
        assertEquals(a.bestTop1() / 100, stateJson.path("best_top1").asDouble(), 1e-12); // epoch 0's validation
        assertEquals(a.bestTop1() / 100, state.bestTop1(), 1e-12);
        TrainRun.Result resumed = TrainRun.run(cfg, quiet(null).resuming());
        assertEquals(8, resumed.updates());
        assertEquals(a.bestTop1(), resumed.bestTop1(), 1e-9); // percent in the run, as the metrics

        try (SafeTensors x = SafeTensors.open(a.model().resolve("model.safetensors"));
             SafeTensors y = SafeTensors.open(resumed.model().resolve("model.safetensors"))) {
            assertEquals(x.names(), y.names());
            for (String name : x.names()) {
                assertArrayEquals(x.get(name).toFloatArray(), y.get(name).toFloatArray(), 0f, name);
            }
        }
        List<JsonNode> logA = TrainLog.read(straight.resolve("log.jsonl"));
        List<JsonNode> logB = TrainLog.read(interrupted.resolve("log.jsonl"));
        assertEquals(logA.size(), logB.size());
        for (int i = 0; i < logA.size(); i++) {
            assertEquals(logA.get(i).path("type").asText(), logB.get(i).path("type").asText());
            assertEquals(logA.get(i).path("step").asLong(), logB.get(i).path("step").asLong());
            assertEquals(logA.get(i).path("loss").asDouble(), logB.get(i).path("loss").asDouble(), 0, "line " + i);
            assertEquals(logA.get(i).path("top1").asDouble(), logB.get(i).path("top1").asDouble(), 0, "line " + i);
        }
        assertEquals(10, logA.size()); // 8 training steps and 2 validations
        assertTrue(Files.size(straight.resolve("report.html")) > 10_000);

        // the final model folder is what XClip.load and vclip zeroshot read
        try (VideoTextModel loaded = XClip.load(a.model())) {
            assertEquals(TrainFixtures.FRAMES, loaded.videoInput().frames());
        }
    }

    @Test
    void resumingWithAChangedConfigIsRefused() {
        Path out = dir.resolve("changed");
        TrainRun.run(TrainFixtures.datasetConfig(out, "TRAIN.EPOCHS", "1", "DATA.VAL_FILE", "",
                "TRAIN.CHECKPOINT_STEPS", "2"), quiet(null).stoppingAfter(3));
        TrainConfig changed = TrainFixtures.datasetConfig(out, "TRAIN.EPOCHS", "1", "DATA.VAL_FILE", "",
                "TRAIN.CHECKPOINT_STEPS", "2", "TRAIN.LR", "0.01");
        ConfigException e = assertThrows(ConfigException.class, () -> TrainRun.run(changed, quiet(null).resuming()));
        assertTrue(e.getMessage().contains("TRAIN.LR (checkpoint 0.001, now 0.01)"), e.getMessage());
    }
}
