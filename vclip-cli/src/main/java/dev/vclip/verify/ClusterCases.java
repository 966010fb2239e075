package dev.vclip.verify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.VclipException;
import dev.vclip.model.TokenClustering;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.Tensors;
import dev.vclip.weights.Torch;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Golden cases of CenterCLIP's token clustering ({@code cases.json} and one safetensors file per case beside it,
 * layout in the fixture README): each case is one {@code TokenClusterInter} forward of the reference. Used by
 * {@code vclip cluster --verify}.
 *
 * <p>A case passes when the block that clusters and its derived sizes match, {@code medoid_index} and
 * {@code assignment} are equal, the medoid rows of {@code y} are bitwise copies and the class-token row (and every row
 * of {@code aggregation: mean}) is within {@code 1e-6 + 1e-6·|want|}.
 */
public final class ClusterCases {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClusterCases() {
    }

    /**
     * The outcome of one case: the largest |y − want|, how many medoid indices and assignments differ (out of how
     * many), and what went wrong ("ok" when it passed).
     */
    public record CaseResult(String name, boolean passed, double maxAbsDiff, long medoidMismatches, long medoids,
                             long assignmentMismatches, long assignments, String problem) {

        /** One line for people: status, name, max |diff|, index mismatches, and the problem when it failed. */
        public String line() {
            String diff = Double.isNaN(maxAbsDiff) ? "n/a" : maxAbsDiff == 0 ? "0"
                    : String.format(Locale.ROOT, "%.2e", maxAbsDiff);
            return String.format(Locale.ROOT, "%-4s %-24s max |y diff| %-8s  medoid_index %d/%d differ, "
                            + "assignment %d/%d differ%s", passed ? "ok" : "FAIL", name, diff, medoidMismatches,
                    medoids, assignmentMismatches, assignments, passed ? "" : ": " + problem);
        }
    }

    /** All outcomes of one verification run. */
    public record Report(List<CaseResult> results) {
        public long passed() {
            return results.stream().filter(CaseResult::passed).count();
        }

        public long failed() {
            return results.size() - passed();
        }

        /** e.g. "16 passed, 0 failed". */
        public String summary() {
            return passed() + " passed, " + failed() + " failed";
        }
    }

    /** Runs every case of {@code casesJson}; a file that cannot be read is a {@link VclipException} naming it. */
    public static Report verify(Path casesJson) {
        JsonNode root;
        try {
            root = JSON.readTree(casesJson.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new VclipException(casesJson + ": no such file");
        } catch (IOException e) {
            throw new VclipException(casesJson + ": not a cluster cases file: " + e.getMessage(), e);
        }
        JsonNode cases = root == null ? null : root.get("cases");
        if (cases == null || !cases.isArray()) {
            throw new VclipException(casesJson + ": no \"cases\" array (a CenterCLIP clustering cases.json?)");
        }
        Path folder = casesJson.toAbsolutePath().getParent();
        List<CaseResult> results = new ArrayList<>();
        try (NDManager manager = Torch.newManager()) {
            for (int i = 0; i < cases.size(); i++) {
                results.add(check(cases.get(i), i, folder, manager));
            }
        }
        return new Report(List.copyOf(results));
    }

    private static CaseResult check(JsonNode c, int index, Path folder, NDManager parent) {
        String name = c.path("name").asText("case " + index);
        try (NDManager manager = parent.newSubManager()) {
            return run(c, name, folder, manager);
        } catch (VclipException | IllegalArgumentException | IllegalStateException e) {
            return new CaseResult(name, false, Double.NaN, 0, 0, 0, 0, e.getMessage());
        }
    }

    /** A case's CenterCLIP arguments as the hparams file of a run with them would hold them. */
    static ObjectNode hparams(JsonNode c, String name) {
        JsonNode params = c.get("params");
        if (params == null || !params.isObject() || !c.path("max_frames").isInt()) {
            throw new VclipException(name + ": the case needs \"params\" and \"max_frames\"");
        }
        ObjectNode h = params.deepCopy();
        h.put("cluster_inter", 1);
        h.put("max_frames", c.get("max_frames").asInt());
        if (h.has("spectral_knn_k_arg")) {
            h.set("spectral_knn_k", h.remove("spectral_knn_k_arg"));
        }
        return h;
    }

    private static CaseResult run(JsonNode c, String name, Path folder, NDManager manager) {
        TokenClustering.Config config = TokenClustering.Config.fromHparams(hparams(c, name), name);
        JsonNode derived = c.path("derived");
        int block = derived.path("cluster_block_id").asInt(-1);
        List<String> problems = new ArrayList<>();
        if (!config.clusterBlocks().equals(List.of(block))) {
            problems.add("blocks that cluster " + config.clusterBlocks() + ", want [" + block + "]");
        }
        TokenClustering step = config.at(block).orElseThrow(() ->
                new VclipException(name + ": block " + block + " does not cluster with these params"));
        expect(problems, "frame_duration", derived, step.frameDuration());
        expect(problems, "cluster_num", derived, step.clusterNum());
        expect(problems, "split_size", derived, config.splitSize());
        if (derived.has("spectral_knn_k_effective")) {
            expect(problems, "spectral_knn_k_effective", derived, step.spectralKnnK());
        }

        Path file = folder.resolve(c.path("file").asText(name + ".safetensors"));
        try (SafeTensors tensors = SafeTensors.open(file)) {
            NDArray x = Tensors.toNDArray(tensors.get("x"), manager);
            TokenClustering.Result result = step.apply(x);

            long[] wantMedoids = tensors.get("medoid_index").toLongArray();
            long[] gotMedoids = flat(result.medoidIndex());
            long medoidMismatches = mismatches(wantMedoids, gotMedoids);
            if (medoidMismatches > 0) {
                problems.add("medoid_index differs first at " + firstMismatch(wantMedoids, gotMedoids, step.clusterNum()));
            }
            long[] wantAssignment = tensors.get("assignment").toLongArray();
            long[] gotAssignment = flat(result.assignment());
            long assignmentMismatches = mismatches(wantAssignment, gotAssignment);
            if (assignmentMismatches > 0) {
                int n = step.frameDuration() * (Math.toIntExact(x.getShape().get(0)) - 1);
                problems.add("assignment differs first at " + firstMismatch(wantAssignment, gotAssignment, n));
            }

            StoredTensor y = tensors.get("y");
            double maxDiff = Double.NaN;
            if (!Arrays.equals(y.shape(), result.tokens().getShape().getShape())) {
                problems.add("y has shape " + result.tokens().getShape() + ", want " + Arrays.toString(y.shape()));
            } else {
                float[] want = y.toFloatArray();
                float[] got = result.tokens().toFloatArray();
                long rowSize = y.shape()[1] * y.shape()[2];
                maxDiff = 0;
                long outside = 0;
                long firstOutside = -1;
                for (int i = 0; i < want.length; i++) {
                    double diff = Math.abs((double) got[i] - want[i]);
                    maxDiff = Math.max(maxDiff, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff);
                    boolean copy = i >= rowSize && !config.meanAggregation();
                    boolean ok = copy ? Float.floatToIntBits(got[i]) == Float.floatToIntBits(want[i])
                            : diff <= 1e-6 + 1e-6 * Math.abs(want[i]);
                    if (!ok) {
                        outside++;
                        firstOutside = firstOutside < 0 ? i : firstOutside;
                    }
                }
                if (outside > 0) {
                    problems.add(outside + " elements of y past tolerance, first at row " + firstOutside / rowSize
                            + " (row 0: exact within 1e-6 + 1e-6|want|; medoid rows: bitwise copies)");
                }
            }
            return new CaseResult(name, problems.isEmpty(), maxDiff, medoidMismatches, wantMedoids.length,
                    assignmentMismatches, wantAssignment.length, problems.isEmpty() ? "ok" : String.join("; ", problems));
        }
    }

    private static void expect(List<String> problems, String key, JsonNode derived, int got) {
        if (derived.has(key) && derived.get(key).asInt() != got) {
            problems.add(key + " " + got + ", want " + derived.get(key).asInt());
        }
    }

    private static long[] flat(int[][] rows) {
        return Arrays.stream(rows).flatMapToInt(Arrays::stream).asLongStream().toArray();
    }

    private static long mismatches(long[] want, long[] got) {
        if (want.length != got.length) {
            return Math.max(want.length, got.length);
        }
        long count = 0;
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                count++;
            }
        }
        return count;
    }

    /** "[row 3, 7] (got 12, want 11)" for the first difference of two row-major {@code [*, width]} arrays. */
    private static String firstMismatch(long[] want, long[] got, int width) {
        int at = Arrays.mismatch(want, got);
        String gotValue = at < got.length ? String.valueOf(got[at]) : "nothing";
        String wantValue = at < want.length ? String.valueOf(want[at]) : "nothing";
        return "[segment " + at / width + ", " + at % width + "] (got " + gotValue + ", want " + wantValue + ")";
    }
}
