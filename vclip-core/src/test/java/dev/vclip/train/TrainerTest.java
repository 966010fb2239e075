package dev.vclip.train;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {

    /** X-CLIP with MODEL.FIX_TEXT: vision, MIT and prompts train (optimizer.py fix_text). */
    private static final Predicate<String> FIX_TEXT = n -> n.startsWith("vision_model.")
            || n.startsWith("visual_projection") || n.startsWith("mit.") || n.startsWith("prompts_");

    private static LrSchedule constant(double lr, int micro, int k) {
        return new LrSchedule(lr, 1000, 0, micro, k);
    }

    @Test
    void aFewStepsLowerTheLossOnATinyBatchAndMemoryStaysFlat() {
        try (TrainableModel tm = TrainFixtures.model("xclip", 1, FIX_TEXT);
             Trainer trainer = new Trainer(tm, new LossHead.Recognition(TrainFixtures.CLASS_TEXTS, false),
                     constant(1e-3, 1, 1), new Trainer.Settings(1, 1.0, 0.001))) {
            MicroBatch batch = TrainFixtures.randomBatch(4, 11);
            List<Double> losses = new ArrayList<>();
            List<Integer> managed = new ArrayList<>();
            List<Integer> everything = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Trainer.StepStats s = trainer.step(List.of(batch));
                losses.add(s.loss());
                managed.add(trainer.managedArrays());
                everything.add(tm.root().getManagedArrays().size());
                assertTrue(Double.isFinite(s.gradNorm()) && s.gradNorm() > 0);
            }
            assertTrue(losses.get(11) < losses.get(0) * 0.5, "loss did not fall: " + losses);
            // the weights' manager holds the same arrays after every step: no gradient or temporary leaks; nor does
            // the root (weights, AdamW moments from the first step on, cached text features)
            assertEquals(1, managed.stream().distinct().count(), "weights' manager changed: " + managed);
            assertEquals(1, everything.stream().distinct().count(), "root manager changed: " + everything);
            assertEquals(2 * tm.plan().trainableNames().size(), trainer.optimizer().stateArrayCount());
        }
    }

    /** Video–text contrastive (symmetric InfoNCE) on a batch of (clip, caption) pairs, text tower training. */
    @Test
    void contrastiveStepsLowerTheLoss() {
        MicroBatch base = TrainFixtures.randomBatch(4, 13);
        MicroBatch pairs = new MicroBatch(base.pixels(), 4, base.frames(), base.size(), null, base.labels(),
                List.of("a red square moving left", "a blue circle moving right", "a green star growing",
                        "a yellow cross shrinking"));
        try (TrainableModel tm = TrainFixtures.model("xclip", 2, n -> true);
             Trainer trainer = new Trainer(tm, new LossHead.Contrastive(), constant(1e-3, 1, 1),
                     new Trainer.Settings(1, 1.0, 0.001))) {
            double first = trainer.step(List.of(pairs)).loss();
            assertEquals(Math.log(4), first, 1.0); // near chance for 4 pairs at random init
            double last = first;
            for (int i = 0; i < 10; i++) {
                last = trainer.step(List.of(pairs)).loss();
            }
            assertTrue(last < first * 0.5, first + " -> " + last);
        }
    }

    @Test
    void frozenParametersDoNotMove() {
        try (TrainableModel tm = TrainFixtures.model("xclip", 1, FIX_TEXT);
             Trainer trainer = new Trainer(tm, new LossHead.Recognition(TrainFixtures.CLASS_TEXTS, false),
                     constant(1e-3, 1, 1), new Trainer.Settings(1, 0, 0.001))) {
            Map<String, float[]> before = snapshot(tm);
            trainer.step(List.of(TrainFixtures.randomBatch(2, 5)));
            Map<String, float[]> after = snapshot(tm);
            for (String name : before.keySet()) {
                boolean trainable = tm.plan().get(name).trainable();
                boolean moved = !java.util.Arrays.equals(before.get(name), after.get(name));
                if (!trainable) {
                    assertFalse(moved, name + " is frozen but moved");
                }
            }
            assertNotEquals(before.get("mit.position_embedding")[0], after.get("mit.position_embedding")[0]);
        }
    }

    /**
     * k micro-batches of b clips with the loss divided by k give the same update as one batch of k·b clips: the
     * summed gradients equal the full batch's (X-CLIP divides total_loss by ACCUMULATION_STEPS), up to float32
     * rounding of a different summation order. No augmentation or mixup: the batches are fixed tensors.
     *
     * <p>Compared: AdamW's first moment after one step ((1 − β1)·g, i.e. the gradient), over every parameter; then
     * the weights after two steps, on every element whose gradient is above rounding noise. Adam divides by √v, so
     * it turns gradients that are mathematically zero (attention key biases: softmax ignores a constant added to
     * every score) into ±lr steps of random sign; those elements carry no information about accumulation.
     */
    @Test
    void accumulationStepsGiveTheSameUpdateAsOneLargeBatch() {
        MicroBatch full = TrainFixtures.randomBatch(4, 21);
        double lr = 1e-3;
        Run accumulated = run(full, lr, 2);
        Run large = run(full, lr, 1);
        assertEquals(large.gradNorm, accumulated.gradNorm, 1e-5 * large.gradNorm, "grad norm of step 1");

        double globalMax = 0;
        for (float[] m : large.firstMoment.values()) {
            for (float v : m) {
                globalMax = Math.max(globalMax, Math.abs(v));
            }
        }
        int compared = 0;
        for (String name : large.firstMoment.keySet()) {
            float[] a = accumulated.firstMoment.get(name);
            float[] b = large.firstMoment.get(name);
            for (int i = 0; i < b.length; i++) {
                assertEquals(b[i], a[i], 1e-5 * globalMax + 1e-4 * Math.abs(b[i]), "gradient of " + name + "[" + i + "]");
            }
            float[] wa = accumulated.weights.get(name);
            float[] wb = large.weights.get(name);
            float tensorMax = 0;
            for (float v : b) {
                tensorMax = Math.max(tensorMax, Math.abs(v));
            }
            for (int i = 0; i < b.length; i++) {
                if (Math.abs(b[i]) > 1e-3 * tensorMax && Math.abs(b[i]) > 1e-6 * globalMax) {
                    assertEquals(wb[i], wa[i], 1e-2 * lr, "weight " + name + "[" + i + "] after two updates");
                    compared++;
                }
            }
        }
        assertTrue(compared > 10_000, "only " + compared + " weights compared");
    }

    private record Run(double gradNorm, Map<String, float[]> firstMoment, Map<String, float[]> weights) {
    }

    private static Run run(MicroBatch full, double lr, int k) {
        try (TrainableModel tm = TrainFixtures.model("xclip", 3, n -> true);
             Trainer trainer = new Trainer(tm, new LossHead.Recognition(TrainFixtures.CLASS_TEXTS, true),
                     constant(lr, k, k), new Trainer.Settings(k, 0, 0.001))) {
            List<MicroBatch> window = new ArrayList<>();
            int per = full.videos() / k;
            for (int i = 0; i < k; i++) {
                window.add(full.slice(i * per, (i + 1) * per));
            }
            double norm = trainer.step(window).gradNorm();
            Map<String, float[]> moments = new LinkedHashMap<>();
            trainer.optimizer().stateTensors().stream().filter(t -> t.name().startsWith("exp_avg."))
                    .forEach(t -> moments.put(t.name().substring("exp_avg.".length()), t.toFloatArray()));
            trainer.step(window);
            return new Run(norm, moments, snapshot(tm));
        }
    }

    private static Map<String, float[]> snapshot(TrainableModel tm) {
        Map<String, float[]> out = new LinkedHashMap<>();
        tm.master().arrays().forEach((n, a) -> out.put(n, a.toFloatArray()));
        return out;
    }

    /** clip_grad_norm_: the optimiser sees the gradient scaled to norm TRAIN.CLIP_GRAD; AdamW's first moment after
     * one step is (1 − β1)·g, so its global norm is 0.1 × the clip. */
    @Test
    void clippingScalesTheGradientToTheMaximumNorm() {
        double clip = 1e-3;
        try (TrainableModel a = TrainFixtures.model("xclip", 4, FIX_TEXT);
             Trainer t = new Trainer(a, new LossHead.Recognition(TrainFixtures.CLASS_TEXTS, false),
                     constant(1e-3, 1, 1), new Trainer.Settings(1, clip, 0))) {
            Trainer.StepStats s = t.step(List.of(TrainFixtures.randomBatch(2, 8)));
            assertTrue(s.gradNorm() > 10 * clip, "the test needs a norm above the clip, got " + s.gradNorm());
            double sumSquares = 0;
            for (var tensor : t.optimizer().stateTensors()) {
                if (tensor.name().startsWith("exp_avg.")) {
                    for (float v : tensor.toFloatArray()) {
                        sumSquares += (double) v * v;
                    }
                }
            }
            assertEquals((1 - AdamW.BETA1) * clip, Math.sqrt(sumSquares), 1e-3 * clip);
        }
    }
}
