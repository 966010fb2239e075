package dev.vclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vclip.model.VideoTextModel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model's forward functions run inside an NDScope that closes their intermediates (model/Scoped.java); the
 * autograd graph keeps what backward needs, so gradients reach the weights. Checked against central finite
 * differences on single weights of the vision tower, the MIT, the prompt generator and the text tower.
 */
class GradientFlowTest {

    @Test
    void gradientsThroughScopedForwardMatchFiniteDifferences() {
        String[] keys = {"vision_model.encoder.layers.0.mlp.fc1.weight", "mit.encoder.layers.0.self_attn.q_proj.weight",
                "prompts_generator.decoder.0.mlp.0.weight", "text_model.encoder.layers.1.mlp.fc2.weight", "logit_scale"};
        try (TrainableModel tm = TrainFixtures.model("xclip", 7, n -> true);
             NDManager manager = tm.root().newSubManager()) {
            VideoTextModel m = tm.model();
            MicroBatch batch = TrainFixtures.randomBatch(2, 3);
            NDArray pixels = manager.create(batch.pixels(), new Shape(2, TrainFixtures.FRAMES, 3, TrainFixtures.SIZE,
                    TrainFixtures.SIZE));
            try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray loss = loss(m, pixels, manager);
                gc.backward(loss);
            }
            for (String key : keys) {
                NDArray w = tm.master().get(key);
                float analytic;
                try (NDArray g = w.getGradient()) {
                    float[] values = g.toFloatArray();
                    assertTrue(maxAbs(values) > 0, key + ": zero gradient");
                    analytic = values[values.length > 5 ? 5 : 0];
                }
                int index = w.getShape().size() > 5 ? 5 : 0;
                double eps = 1e-2;
                float[] original = w.toFloatArray();
                double[] f = new double[2];
                for (int s = 0; s < 2; s++) {
                    float[] moved = original.clone();
                    moved[index] += (float) (s == 0 ? eps : -eps);
                    w.set(java.nio.FloatBuffer.wrap(moved));
                    try (NDScope ignored = new NDScope()) {
                        f[s] = loss(m, pixels, manager).getFloat();
                    }
                }
                w.set(java.nio.FloatBuffer.wrap(original));
                double numeric = (f[0] - f[1]) / (2 * eps);
                assertEquals(numeric, analytic, 2e-3 + 2e-2 * Math.abs(numeric),
                        key + ": analytic " + analytic + " vs finite difference " + numeric);
            }
        }
    }

    private static NDArray loss(VideoTextModel m, NDArray pixels, NDManager manager) {
        NDArray text = m.textFeatures(TrainFixtures.CLASS_TEXTS, manager);
        return m.logits(m.encodeVideos(pixels), text).sum();
    }

    private static float maxAbs(float[] v) {
        float m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
