package dev.vclip.verify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vclip.model.ModelFamily;
import dev.vclip.model.ReferenceOutputs;
import dev.vclip.model.VideoTextModel;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.TensorFile;
import dev.vclip.weights.Tensors;
import dev.vclip.weights.Torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares a model's outputs with reference outputs stored in a case file (safetensors), tensor by tensor, under
 * their Hugging Face output names; the model's family computes them ({@link ReferenceOutputs},
 * {@link ModelFamily#computeReference}). The inputs it recognises are {@code input_ids}, {@code attention_mask},
 * {@code input_ids_eotpad}, {@code pixel_values} and (CLIP) {@code pixel_values_video}; every other tensor in the
 * file is an expected output. This is how vclip proves parity with {@code transformers}, and how a user checks a
 * converted checkpoint against outputs made in Python.
 */
public final class ReferenceCheck {

    /** Max |diff| allowed for features, embeddings and hidden states. */
    public static final double TOLERANCE = 1e-4;
    /** Max |diff| allowed for logits (scaled by exp(logit_scale)). */
    public static final double LOGIT_TOLERANCE = 1e-3;

    /** The input names of a case file ({@link ReferenceOutputs#INPUTS}). */
    public static final Set<String> INPUTS = ReferenceOutputs.INPUTS;

    public enum Status { PASS, FAIL, NOT_COMPUTED, UNKNOWN_NAME }

    /**
     * One compared tensor. {@code maxAbsDiff} is NaN when nothing was compared. A tensor of an unknown name neither
     * passes nor fails: it is not counted.
     */
    public record Result(String name, long[] shape, double maxAbsDiff, double tolerance, Status status, String note)
            implements CheckReport.Outcome {
        @Override
        public boolean passed() {
            return status == Status.PASS;
        }

        @Override
        public boolean failed() {
            return status == Status.FAIL || status == Status.NOT_COMPUTED;
        }

        @Override
        public String toString() {
            String diff = Double.isNaN(maxAbsDiff) ? "-" : String.format("%.3e", maxAbsDiff);
            return String.format("%-6s %-28s %-18s max|diff| %-10s tol %.0e%s", status == Status.PASS ? "ok" : status,
                    name, Arrays.toString(shape), diff, tolerance, note.isEmpty() ? "" : "  " + note);
        }
    }

    /** Every tensor of a case file, in file order. */
    public record Report(List<Result> results) implements CheckReport<Result> {
    }

    private ReferenceCheck() {
    }

    /** Runs the inputs of {@code caseFile} through {@code model} and compares every expected output. */
    public static Report run(VideoTextModel model, TensorFile caseFile) {
        try (NDManager manager = Torch.newManager()) {
            Map<String, NDArray> inputs = new LinkedHashMap<>();
            for (String name : INPUTS) {
                if (caseFile.names().contains(name)) {
                    inputs.put(name, Tensors.toNDArray(caseFile.get(name), manager));
                }
            }
            Map<String, NDArray> computed = ReferenceOutputs.compute(model, inputs, manager);
            return new Report(compare(caseFile, computed, model.family().referenceOutputs()));
        }
    }

    private static List<Result> compare(TensorFile caseFile, Map<String, NDArray> computed, Set<String> known) {
        List<Result> results = new ArrayList<>();
        for (String name : caseFile.names()) {
            if (INPUTS.contains(name)) {
                continue;
            }
            StoredTensor expected = caseFile.get(name);
            long[] shape = expected.shape();
            boolean integer = !expected.dtype().isFloating();
            double tolerance = integer ? 0 : name.startsWith("logits") ? LOGIT_TOLERANCE : TOLERANCE;
            NDArray got = computed.get(name);
            if (got == null) {
                results.add(known.contains(name)
                        ? new Result(name, shape, Double.NaN, tolerance, Status.NOT_COMPUTED,
                        "a known output, but the case file lacks the inputs it needs")
                        : new Result(name, shape, Double.NaN, tolerance, Status.UNKNOWN_NAME,
                        "not an output name vclip computes; not compared"));
                continue;
            }
            long[] gotShape = got.getShape().getShape();
            if (!Arrays.equals(gotShape, shape)) {
                results.add(new Result(name, shape, Double.NaN, tolerance, Status.FAIL,
                        "shape mismatch: computed " + Arrays.toString(gotShape)));
                continue;
            }
            double diff = integer ? maxAbsDiff(expected.toLongArray(), got.toType(DataType.INT64,
                    false).toLongArray()) : maxAbsDiff(expected.toFloatArray(), got.toType(
                    DataType.FLOAT32, false).toFloatArray());
            boolean ok = diff <= tolerance; // NaN fails
            results.add(new Result(name, shape, diff, tolerance, ok ? Status.PASS : Status.FAIL, ""));
        }
        return results;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (!(d <= max)) {
                max = d; // also propagates NaN
            }
        }
        return max;
    }

    static double maxAbsDiff(long[] a, long[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }
}
