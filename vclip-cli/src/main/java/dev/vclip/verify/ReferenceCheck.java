package dev.vclip.verify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vclip.model.ModelFamily;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.ReferenceOutputs;
import dev.vclip.model.VideoTextModel;
import dev.vclip.weights.DType;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.TensorFile;
import dev.vclip.weights.Tensors;
import dev.vclip.weights.Torch;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Compares a model's outputs with reference outputs stored in a case file (safetensors), tensor by tensor, under
 * their reference names; the model's family computes them ({@link ReferenceOutputs},
 * {@link ModelFamily#computeReference}). The inputs it recognises are {@link ReferenceOutputs#INPUTS}; every other
 * tensor in the file is an expected output. This is how vclip proves parity with {@code transformers} and the
 * original CLIP4Clip / CenterCLIP code, and how a user checks a converted checkpoint against outputs made in Python.
 *
 * <p>A folder may describe several configurations over one checkpoint ({@link ModelFolder#configs}: an original
 * run folder's CLIP4Clip headers or CenterCLIP evaluation runs). A case file for such a folder names the outputs of
 * configuration {@code g} {@code g/leaf}: each is compared with output {@code leaf} of the model loaded as
 * {@code g}. Unprefixed names are compared with the folder's own configuration ({@code ""}). A prefix the folder has
 * no configuration of fails every tensor of its group.
 */
public final class ReferenceCheck {

    /** Max |diff| allowed for features, embeddings and hidden states. */
    public static final double TOLERANCE = 1e-4;
    /** Max |diff| allowed for logits (output names containing {@code logits}; scaled by exp(logit_scale)). */
    public static final double LOGIT_TOLERANCE = 1e-3;

    /** The input names of a case file ({@link ReferenceOutputs#INPUTS}). */
    public static final Set<String> INPUTS = ReferenceOutputs.INPUTS;

    private static final System.Logger LOG = System.getLogger(ReferenceCheck.class.getName());

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

    /**
     * Runs the inputs of {@code caseFile} through {@code model} and compares every expected output: the check of a
     * model already loaded, which has one configuration, so a prefixed name ({@code g/leaf}) fails (check its folder
     * with {@link #run(Path, Path)}).
     */
    public static Report run(VideoTextModel model, TensorFile caseFile) {
        return check(caseFile, "this model alone (check its folder for the others)", Set.of(""), group -> model, false);
    }

    /**
     * Checks a case file against the configurations of a model folder (see the class comment), loading each
     * configuration the file names once. The folder is read before the case file, so that a wrong folder is named
     * first.
     */
    public static Report run(Path folder, Path caseFile) {
        Set<String> configurations = ModelFolder.configs(folder).keySet();
        try (SafeTensors file = SafeTensors.open(caseFile)) {
            return run(folder, configurations, null, file);
        }
    }

    /**
     * {@link #run(Path, Path)} with the folder's own configuration already loaded ({@code loaded}, used for the
     * unprefixed names and left open).
     */
    public static Report run(Path folder, VideoTextModel loaded, TensorFile caseFile) {
        return run(folder, ModelFolder.configs(folder).keySet(), loaded, caseFile);
    }

    private static Report run(Path folder, Set<String> configurations, VideoTextModel loaded, TensorFile caseFile) {
        // the configurations share one checkpoint and each leaves the others' weights unused: only the folder's own
        // configuration warns as ModelFolder.load does, the others' warnings are details
        Function<String, Consumer<String>> warnings = group -> group.isEmpty()
                ? w -> LOG.log(System.Logger.Level.WARNING, w)
                : w -> LOG.log(System.Logger.Level.DEBUG, "configuration '" + group + "': " + w);
        return check(caseFile, folder.toString(), configurations, group -> group.isEmpty() && loaded != null
                ? loaded : ModelFolder.load(folder, group, warnings.apply(group)), loaded == null);
    }

    /**
     * Groups the expected outputs by configuration ({@link #group}), computes each group with the model
     * {@code open} gives for it, and compares; the results in file order.
     *
     * @param source         what holds the configurations, for the note on a missing one
     * @param closeDefault   whether the model {@code open} gives for "" is to be closed here (the others always are)
     */
    private static Report check(TensorFile caseFile, String source, Set<String> configurations,
                                Function<String, VideoTextModel> open, boolean closeDefault) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String name : caseFile.names()) {
            if (!INPUTS.contains(name)) {
                groups.computeIfAbsent(group(name), g -> new ArrayList<>()).add(name);
            }
        }
        Map<String, Result> results = new HashMap<>();
        for (Map.Entry<String, List<String>> entry : groups.entrySet()) {
            String group = entry.getKey();
            if (!configurations.contains(group)) {
                String note = source + " has no configuration '" + group + "' (it has " + describe(configurations)
                        + ")";
                for (String name : entry.getValue()) {
                    StoredTensor expected = caseFile.get(name);
                    results.put(name, new Result(name, expected.shape(), Double.NaN, tolerance(name, expected),
                            Status.FAIL, note));
                }
                continue;
            }
            VideoTextModel model = open.apply(group);
            try (NDManager manager = Torch.newManager()) {
                Map<String, NDArray> inputs = new LinkedHashMap<>();
                for (String name : INPUTS) {
                    if (caseFile.names().contains(name)) {
                        inputs.put(name, Tensors.toNDArray(caseFile.get(name), manager));
                    }
                }
                Map<String, NDArray> computed = ReferenceOutputs.compute(model, inputs, manager);
                Set<String> known = model.family().referenceOutputs();
                for (String name : entry.getValue()) {
                    results.put(name, compare(name, caseFile.get(name), computed.get(leaf(name)), known));
                }
            } finally {
                if (!group.isEmpty() || closeDefault) {
                    model.close();
                }
            }
        }
        List<Result> ordered = new ArrayList<>();
        for (String name : caseFile.names()) {
            if (results.containsKey(name)) {
                ordered.add(results.get(name));
            }
        }
        return new Report(ordered);
    }

    /** The configuration a stored name belongs to: its prefix before the first '/', "" (the folder's own) for none. */
    static String group(String name) {
        int slash = name.indexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    /** The output name within its configuration: what follows the first '/'. */
    static String leaf(String name) {
        return name.substring(name.indexOf('/') + 1);
    }

    /**
     * Integers exact; logits (a leaf name containing {@code logits}) {@link #LOGIT_TOLERANCE};
     * else {@link #TOLERANCE}.
     */
    static double tolerance(String name, StoredTensor expected) {
        return !expected.dtype().isFloating() ? 0 : leaf(name).contains("logits") ? LOGIT_TOLERANCE : TOLERANCE;
    }

    private static String describe(Set<String> configurations) {
        List<String> all = new ArrayList<>(configurations.stream().filter(c -> !c.isEmpty()).toList());
        if (configurations.contains("")) {
            all.add("its own, for unprefixed names");
        }
        return all.isEmpty() ? "none" : String.join(", ", all);
    }

    private static Result compare(String name, StoredTensor expected, NDArray got, Set<String> known) {
        long[] shape = expected.shape();
        boolean integer = !expected.dtype().isFloating();
        double tolerance = tolerance(name, expected);
        if (got == null) {
            return known.contains(leaf(name))
                    ? new Result(name, shape, Double.NaN, tolerance, Status.NOT_COMPUTED,
                    "a known output, but the case file lacks the inputs it needs")
                    : new Result(name, shape, Double.NaN, tolerance, Status.UNKNOWN_NAME,
                    "not an output name vclip computes; not compared");
        }
        long[] gotShape = got.getShape().getShape();
        if (!Arrays.equals(gotShape, shape)) {
            return new Result(name, shape, Double.NaN, tolerance, Status.FAIL,
                    "shape mismatch: computed " + Arrays.toString(gotShape));
        }
        double diff = integer
                ? maxAbsDiff(expected.toLongArray(), got.toType(DataType.INT64, false).toLongArray())
                : maxAbsDiff(doubles(expected), got.toType(DataType.FLOAT64, false).toDoubleArray());
        boolean ok = diff <= tolerance; // NaN fails
        return new Result(name, shape, diff, tolerance, ok ? Status.PASS : Status.FAIL, "");
    }

    /** A floating-point tensor's values, F64 ones without rounding through float. */
    private static double[] doubles(StoredTensor t) {
        int n = Math.toIntExact(t.elementCount());
        double[] out = new double[n];
        if (t.dtype() == DType.F64) {
            t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
        } else {
            float[] f = t.toFloatArray();
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
        }
        return out;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
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
