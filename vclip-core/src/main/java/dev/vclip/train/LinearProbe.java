package dev.vclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.vclip.eval.ClassificationMetrics;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.Tensors;
import dev.vclip.weights.Torch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A linear probe: a linear layer (W [C, D], b [C]) on frozen video features, trained with cross-entropy and
 * {@link AdamW} in shuffled mini-batches (the XCLIP_Baseline seed's {@code run_linear_probe.py}: backbone frozen,
 * a light head trained for the target task). Features are L2-normalised first (X-CLIP's MIT output is not),
 * so one learning rate suits every backbone. Training is seeded and deterministic.
 */
public final class LinearProbe {

    /** Training settings: {@code LINEAR_PROBE.*} and {@code SEED}. */
    public record Settings(int epochs, double lr, double weightDecay, int batchSize, long seed) {
    }

    /** The trained head: {@code weight[c]} is class c's row. */
    public record Head(float[][] weight, float[] bias) {

        public int classes() {
            return weight.length;
        }

        /** Logits [N][C] of raw features [N][D] (normalised here). */
        public float[][] logits(float[][] features) {
            float[][] out = new float[features.length][weight.length];
            for (int i = 0; i < features.length; i++) {
                float[] x = normalize(features[i]);
                for (int c = 0; c < weight.length; c++) {
                    double s = bias[c];
                    for (int d = 0; d < x.length; d++) {
                        s += (double) weight[c][d] * x[d];
                    }
                    out[i][c] = (float) s;
                }
            }
            return out;
        }

        /** Saves W and b as {@code linear.weight} / {@code linear.bias} (safetensors). */
        public void save(Path file) {
            try (NDManager m = Torch.newManager()) {
                int d = weight[0].length;
                float[] flat = new float[weight.length * d];
                for (int c = 0; c < weight.length; c++) {
                    System.arraycopy(weight[c], 0, flat, c * d, d);
                }
                SafeTensors.write(file, List.of(
                        Tensors.fromNDArray("linear.weight", m.create(flat, new Shape(weight.length, d))),
                        Tensors.fromNDArray("linear.bias", m.create(bias))), Map.of("format", "pt"));
            }
        }
    }

    /** One epoch's mean training loss and accuracy. */
    public record Epoch(int epoch, double loss, double accuracy) {
    }

    private LinearProbe() {
    }

    /** Trains a head on {@code features[i]} with class {@code labels[i]}; {@code history} (may be null) gets epochs. */
    @SuppressWarnings("try") // the scope closes each mini-batch's temporaries; it is not referenced
    public static Head train(float[][] features, int[] labels, int classes, Settings s, List<Epoch> history) {
        if (features.length == 0 || features.length != labels.length) {
            throw new IllegalArgumentException(features.length + " feature rows for " + labels.length + " labels");
        }
        int n = features.length;
        int dim = features[0].length;
        float[] flat = new float[n * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(normalize(features[i]), 0, flat, i * dim, dim);
        }
        Random random = new Random(s.seed());
        try (NDManager root = Torch.newManager(); AdamW optimizer = new AdamW(root)) {
            NDManager params = root.newSubManager();
            float[] w0 = new float[classes * dim];
            for (int i = 0; i < w0.length; i++) {
                w0[i] = (float) (random.nextGaussian() * 0.01);
            }
            NDArray weight = params.create(w0, new Shape(classes, dim));
            NDArray bias = params.zeros(new Shape(classes));
            weight.setRequiresGradient(true);
            bias.setRequiresGradient(true);
            NDArray x = root.create(flat, new Shape(n, dim));
            float[][] oneHot = Blending.oneHot(labels, classes, 0);
            for (int epoch = 0; epoch < s.epochs(); epoch++) {
                int[] order = Blending.randperm(n, random);
                double lossSum = 0;
                int correct = 0;
                for (int start = 0; start < n; start += s.batchSize()) {
                    int end = Math.min(n, start + s.batchSize());
                    int[] idx = java.util.Arrays.copyOfRange(order, start, end);
                    float[] t = new float[idx.length * classes];
                    for (int i = 0; i < idx.length; i++) {
                        System.arraycopy(oneHot[idx[i]], 0, t, i * classes, classes);
                    }
                    try (NDManager step = root.newSubManager(); NDScope ignored = new NDScope()) {
                        NDArray xb = x.get(step.create(toLong(idx)));
                        NDArray targets = step.create(t, new Shape(idx.length, classes));
                        try (GradientCollector gc = step.getEngine().newGradientCollector()) {
                            NDArray logits = xb.matMul(weight.transpose()).add(bias);
                            NDArray loss = Losses.softTargetCrossEntropy(logits, targets);
                            lossSum += loss.getFloat() * idx.length;
                            long[] predicted = logits.argMax(1).toLongArray();
                            for (int i = 0; i < idx.length; i++) {
                                correct += predicted[i] == labels[idx[i]] ? 1 : 0;
                            }
                            gc.backward(loss);
                        }
                        optimizer.step(List.of(
                                new AdamW.Update("linear.weight", weight, weight.getGradient(), s.lr(), s.weightDecay()),
                                new AdamW.Update("linear.bias", bias, bias.getGradient(), s.lr(), 0)));
                        JniUtils.zeroGrad((PtNDArray) weight);
                        JniUtils.zeroGrad((PtNDArray) bias);
                    }
                }
                if (history != null) {
                    history.add(new Epoch(epoch, lossSum / n, (double) correct / n));
                }
            }
            float[] wf = weight.toFloatArray();
            float[][] w = new float[classes][dim];
            for (int c = 0; c < classes; c++) {
                System.arraycopy(wf, c * dim, w[c], 0, dim);
            }
            return new Head(w, bias.toFloatArray());
        }
    }

    /** Top-1/top-5 of the head on videos with several views each: {@code views[v][view][D]}. */
    public static ClassificationMetrics.Result evaluate(Head head, float[][][] views, int[] labels) {
        float[][][] logits = new float[views.length][][];
        for (int v = 0; v < views.length; v++) {
            logits[v] = head.logits(views[v]);
        }
        return ClassificationMetrics.evaluate(logits, labels);
    }

    static float[] normalize(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        double norm = Math.sqrt(s);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = norm == 0 ? 0 : (float) (x[i] / norm);
        }
        return out;
    }

    private static long[] toLong(int[] idx) {
        long[] out = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
