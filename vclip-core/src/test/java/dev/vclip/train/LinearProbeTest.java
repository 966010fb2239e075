package dev.vclip.train;

import dev.vclip.eval.ClassificationMetrics;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearProbeTest {

    /**
     * A linearly separable toy set: 3 classes in 16 dimensions, each a cluster around its own direction with noise
     * well inside the margin; training and held-out points drawn alike. The probe must get all of them right.
     */
    @Test
    void separatesALinearlySeparableSet() throws Exception {
        int classes = 3;
        int dim = 16;
        Random r = new Random(4);
        float[][] centres = new float[classes][dim];
        for (int c = 0; c < classes; c++) {
            centres[c][c] = 1;
            centres[c][(c + 5) % dim] = 0.5f;
        }
        int perClass = 30;
        float[][] train = new float[classes * perClass][];
        int[] trainLabels = new int[classes * perClass];
        float[][][] test = new float[classes * 10][][];
        int[] testLabels = new int[classes * 10];
        for (int i = 0; i < train.length; i++) {
            trainLabels[i] = i % classes;
            train[i] = noisy(centres[trainLabels[i]], r, 3f);
        }
        for (int i = 0; i < test.length; i++) {
            testLabels[i] = i % classes;
            test[i] = new float[][]{noisy(centres[testLabels[i]], r, 3f), noisy(centres[testLabels[i]], r, 3f)};
        }
        List<LinearProbe.Epoch> history = new ArrayList<>();
        LinearProbe.Head head = LinearProbe.train(train, trainLabels, classes,
                new LinearProbe.Settings(60, 1e-2, 0, 16, 1), history);
        assertEquals(60, history.size());
        assertTrue(history.get(59).loss() < history.get(0).loss() / 2, "loss: " + history.get(0) + " -> " + history.get(59));
        assertEquals(1.0, history.get(59).accuracy());
        ClassificationMetrics.Result result = LinearProbe.evaluate(head, test, testLabels);
        assertEquals(100.0, result.top1());

        // the same seed gives the same head
        LinearProbe.Head again = LinearProbe.train(train, trainLabels, classes,
                new LinearProbe.Settings(60, 1e-2, 0, 16, 1), null);
        assertEquals(head.weight()[1][3], again.weight()[1][3]);

        Path file = Files.createTempDirectory("probe").resolve("linear_probe.safetensors");
        head.save(file);
        assertTrue(Files.size(file) > classes * dim * 4);
    }

    private static float[] noisy(float[] centre, Random r, float scale) {
        float[] x = new float[centre.length];
        for (int d = 0; d < x.length; d++) {
            x[d] = scale * centre[d] + (float) (r.nextGaussian() * 0.1);
        }
        return x;
    }
}
