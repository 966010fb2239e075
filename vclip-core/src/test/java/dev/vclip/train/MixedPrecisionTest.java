package dev.vclip.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vclip.model.VideoTextModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mixed-precision machinery (master weights, working copy, dynamic loss scaling, overflow skip) exercised on
 * this CPU with an fp32 working copy: the numbers must equal plain fp32 training, since scaling by a power of two
 * and unscaling is exact. On a GPU the working copy would be fp16 (see {@link Precision}).
 */
class MixedPrecisionTest {

    private static final Predicate<String> FIX_TEXT = n -> n.startsWith("vision_model.")
            || n.startsWith("visual_projection") || n.startsWith("mit.") || n.startsWith("prompts_");

    @Test
    void cpuFallsBackToFp32AndSaysWhy() {
        Precision.Choice c = Precision.resolve("O1", Device.cpu());
        assertEquals(Precision.Mode.FP32, c.mode());
        assertTrue(c.note().contains("CPU") && c.note().contains("fp32"), c.note());
        assertEquals(Precision.Mode.MIXED_FP16, Precision.resolve("O2", Device.gpu()).mode());
        assertEquals(Precision.Mode.FP32, Precision.resolve("O0", Device.gpu()).mode());
    }

    @Test
    void lossScalingWithMasterWeightsMatchesPlainTraining() {
        MicroBatch batch = TrainFixtures.randomBatch(2, 9);
        Map<String, float[]> plain;
        try (TrainableModel tm = TrainFixtures.model("xclip", 5, FIX_TEXT);
             Trainer t = new Trainer(tm, new LossHead.Recognition(TrainFixtures.CLASS_TEXTS, false),
                     new LrSchedule(1e-3, 100, 0, 1, 1), new Trainer.Settings(1, 0, 0.001))) {
            for (int i = 0; i < 3; i++) {
                t.step(List.of(batch));
            }
            plain = snapshot(tm.master().arrays());
        }
        try (TrainableModel tm = TrainFixtures.model("xclip", 5, FIX_TEXT)
                .withWorkingCopy((master, parent) -> master.trainable(parent));
             Trainer t = new Trainer(tm, new LossHead.Recognition(TrainFixtures.CLASS_TEXTS, false),
                     new LrSchedule(1e-3, 100, 0, 1, 1), new Trainer.Settings(1, 0, 0.001))) {
            assertTrue(tm.isMixed());
            for (int i = 0; i < 3; i++) {
                Trainer.StepStats s = t.step(List.of(batch));
                assertEquals(Precision.LossScaler.INIT_SCALE, s.lossScale());
                assertFalse(s.skipped());
            }
            Map<String, float[]> mixed = snapshot(tm.master().arrays());
            for (String name : plain.keySet()) {
                assertArrayEquals(plain.get(name), mixed.get(name), 1e-6f, name);
            }
            // the working copy follows the master after every update
            assertArrayEquals(mixed.get("mit.position_embedding"),
                    tm.working().get("mit.position_embedding").toFloatArray(), 0f);
        }
    }

    @Test
    void anOverflowSkipsTheStepAndHalvesTheScale() {
        try (TrainableModel tm = TrainFixtures.model("xclip", 5, FIX_TEXT)
                .withWorkingCopy((master, parent) -> master.trainable(parent))) {
            LossHead.Recognition base = new LossHead.Recognition(TrainFixtures.CLASS_TEXTS, false);
            boolean[] overflow = {true};
            LossHead head = (VideoTextModel model, MicroBatch batch, NDManager manager) -> {
                NDArray loss = base.loss(model, batch, manager);
                return overflow[0] ? loss.mul(Losses.scalar(loss, Double.POSITIVE_INFINITY)) : loss; // an fp16 overflow, simulated
            };
            try (Trainer t = new Trainer(tm, head, new LrSchedule(1e-3, 100, 0, 1, 1),
                    new Trainer.Settings(1, 0, 0.001))) {
                Map<String, float[]> before = snapshot(tm.master().arrays());
                Trainer.StepStats s = t.step(List.of(TrainFixtures.randomBatch(2, 1)));
                assertTrue(s.skipped());
                assertEquals(Precision.LossScaler.INIT_SCALE / 2, t.scaler().scale());
                assertEquals(0, t.optimizer().stepCount());
                Map<String, float[]> after = snapshot(tm.master().arrays());
                for (String name : before.keySet()) {
                    assertArrayEquals(before.get(name), after.get(name), 0f, name + " moved on a skipped step");
                }
                overflow[0] = false;
                Trainer.StepStats next = t.step(List.of(TrainFixtures.randomBatch(2, 1)));
                assertFalse(next.skipped());
                assertEquals(1, t.optimizer().stepCount());
                assertEquals(2, t.updates()); // the schedule moves on over skipped steps, as with apex
            }
        }
    }

    /**
     * Real fp16 working weights (where this build's ModelWeights can make them: ModelWeights.castCopy): dynamic loss
     * scaling backs off from 2^16 until the fp16 gradients are finite, then trains; the losses follow fp32's.
     */
    @Test
    void fp16WorkingWeightsTrainWithDynamicLossScaling() {
        var cast = Precision.fp16WorkingCopy();
        Assumptions.assumeTrue(cast.isPresent(), "ModelWeights.castCopy is not in this build");
        MicroBatch batch = TrainFixtures.randomBatch(4, 11);
        List<Double> fp32 = new java.util.ArrayList<>();
        try (TrainableModel tm = TrainFixtures.model("xclip", 1, FIX_TEXT);
             Trainer t = new Trainer(tm, new LossHead.Recognition(TrainFixtures.CLASS_TEXTS, false),
                     new LrSchedule(1e-3, 100, 0, 1, 1), new Trainer.Settings(1, 1.0, 0.001))) {
            for (int i = 0; i < 4; i++) {
                fp32.add(t.step(List.of(batch)).loss());
            }
        }
        try (TrainableModel tm = TrainFixtures.model("xclip", 1, FIX_TEXT).withWorkingCopy(cast.get());
             Trainer t = new Trainer(tm, new LossHead.Recognition(TrainFixtures.CLASS_TEXTS, false),
                     new LrSchedule(1e-3, 100, 0, 1, 1), new Trainer.Settings(1, 1.0, 0.001))) {
            assertEquals(ai.djl.ndarray.types.DataType.FLOAT16, tm.working().get("mit.position_embedding").getDataType());
            int applied = 0;
            for (int i = 0; i < 12 && applied < 4; i++) {
                Trainer.StepStats s = t.step(List.of(batch));
                if (!s.skipped()) {
                    assertEquals(fp32.get(applied), s.loss(), 5e-3 * Math.max(1, fp32.get(applied)),
                            "fp16 loss of update " + applied);
                    applied++;
                }
            }
            assertEquals(4, applied);
            assertTrue(t.scaler().scale() <= Precision.LossScaler.INIT_SCALE);
        }
    }

    @Test
    void theScaleGrowsAfterAnIntervalOfGoodSteps() {
        Precision.LossScaler s = new Precision.LossScaler();
        for (int i = 0; i < Precision.LossScaler.GROWTH_INTERVAL - 1; i++) {
            s.update(false);
        }
        assertEquals(65536, s.scale());
        s.update(false);
        assertEquals(131072, s.scale());
        s.update(true);
        assertEquals(65536, s.scale());
        assertEquals(0, s.goodSteps());
    }

    private static Map<String, float[]> snapshot(Map<String, NDArray> arrays) {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((n, a) -> out.put(n, a.toFloatArray()));
        return out;
    }
}
