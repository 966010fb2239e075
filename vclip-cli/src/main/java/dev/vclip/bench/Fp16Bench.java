package dev.vclip.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.weights.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

import java.util.Arrays;
import java.util.Locale;

/**
 * Is fp16 faster on this CPU, or only smaller? Times square matrix products, a transformer-block-sized product
 * ([B·L, H] × [H, 4H]) and an element-wise chain (the GELU of a layer's MLP) in FP32 and FP16 through DJL's
 * PyTorch engine, and prints throughput and bytes per element. A command, not a test and not JMH: each case is
 * warmed up, then the median of several timed runs is reported. BF16 is not measured: DJL 0.36 aborts the JVM on
 * any BF16 array.
 *
 * <p>The figures behind {@code dev.vclip.train.Precision}'s choice of fp32 on CPUs.
 */
@Command(name = "fp16", mixinStandardHelpOptions = true, description = {
        "Is fp16 faster on this CPU, or only smaller? Matrix products and an element-wise chain in FP32 and FP16, "
                + "median of several timed runs after warm-up.",
        "Example: vclip bench fp16 --repeats 3"})
final class Fp16Bench extends VclipCommand {

    @Option(names = "--repeats", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "timed runs per case (default: ${DEFAULT-VALUE})")
    int repeats = 5;

    @Override
    public Integer call() {
        PrintWriter out = out();
        try (NDManager manager = Torch.newManager()) {
            out.printf(Locale.ROOT, "threads: %d (ai.djl.pytorch.num_threads), device %s%n",
                    ai.djl.pytorch.jni.JniUtils.getNumThreads(), manager.getDevice());
            out.printf(Locale.ROOT, "%-34s %12s %12s %9s%n", "case", "fp32", "fp16", "fp16/fp32");
            for (int n : new int[]{256, 512, 1024}) {
                matmul(out, manager, "matmul " + n + "x" + n + " x " + n + "x" + n, n, n, n, repeats);
            }
            // one ViT-B/32 MLP fc1 of 8 frames: [8·50, 768] x [768, 3072]
            matmul(out, manager, "matmul [400,768] x [768,3072]", 400, 768, 3072, repeats);
            elementwise(out, manager, "quick_gelu on 400x3072", 400 * 3072, repeats);
            out.println("bytes per element: fp32 4, fp16 2 (weights and activations half the memory)");
        }
        return 0;
    }

    private static void matmul(PrintWriter out, NDManager manager, String name, int m, int k, int n, int repeats) {
        double flops = 2.0 * m * k * n;
        double[] ms = new double[2];
        DataType[] types = {DataType.FLOAT32, DataType.FLOAT16};
        for (int t = 0; t < 2; t++) {
            try (NDManager sub = manager.newSubManager()) {
                NDArray a = sub.randomNormal(new Shape(m, k)).toType(types[t], false);
                NDArray b = sub.randomNormal(new Shape(k, n)).toType(types[t], false);
                ms[t] = time(() -> a.matMul(b), repeats, types[t] == DataType.FLOAT16 ? 1 : 3);
            }
        }
        out.printf(Locale.ROOT, "%-34s %9.1f ms %9.1f ms %8.1fx   (%.1f vs %.2f GFLOP/s)%n", name, ms[0], ms[1],
                ms[1] / ms[0], flops / ms[0] / 1e6, flops / ms[1] / 1e6);
    }

    private static void elementwise(PrintWriter out, NDManager manager, String name, int size, int repeats) {
        double[] ms = new double[2];
        DataType[] types = {DataType.FLOAT32, DataType.FLOAT16};
        for (int t = 0; t < 2; t++) {
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = sub.randomNormal(new Shape(size)).toType(types[t], false);
                ms[t] = time(() -> x.mul(ai.djl.nn.Activation.sigmoid(x.mul(1.702f))), repeats, 3);
            }
        }
        out.printf(Locale.ROOT, "%-34s %9.2f ms %9.2f ms %8.1fx%n", name, ms[0], ms[1], ms[1] / ms[0]);
    }

    /** Median milliseconds of {@code repeats} runs after {@code warmup} untimed ones; results are freed each run. */
    private static double time(java.util.function.Supplier<NDArray> op, int repeats, int warmup) {
        for (int i = 0; i < warmup; i++) {
            try (NDArray r = op.get()) {
                r.getShape(); // libtorch CPU ops run eagerly: the result exists when the call returns
            }
        }
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            try (NDArray r = op.get()) {
                r.getShape();
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[repeats / 2];
    }
}
