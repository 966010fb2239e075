package dev.vclip.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vclip.model.VideoEncoding;
import dev.vclip.model.VideoTextModel;
import dev.vclip.weights.Torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Logits of texts against encoded videos, in chunks so that X-CLIP's per-pair prompt pass stays bounded. */
public final class Scoring {
    private Scoring() {
    }

    /** Identifies a model for caches: its weights' identity and its config. */
    public static String modelKey(VideoTextModel model) {
        return model.weights().identity() + "\n" + model.config().toJson();
    }

    /** Text features [T, P] of {@code texts} as plain floats (row-major). */
    public static float[][] textFeatures(VideoTextModel model, List<String> texts) {
        try (NDManager manager = Torch.newManager()) {
            NDArray features = model.textFeatures(texts, manager);
            int dim = (int) features.getShape().get(1);
            float[] flat = features.toFloatArray();
            float[][] rows = new float[texts.size()][dim];
            for (int t = 0; t < rows.length; t++) {
                System.arraycopy(flat, t * dim, rows[t], 0, dim);
            }
            return rows;
        }
    }

    /**
     * logits[row][t] for every clip row of {@code videos} (video after video, clip after clip) against every text,
     * {@code chunk} clip rows at a time. Videos whose encodings differ in shape (CLIP4Clip's tightTransf keeps one
     * context row per frame, and videos sampled at a fixed rate differ in frames) are scored in separate calls, each
     * with videos of one shape; the rows come back in input order.
     */
    public static float[][] logits(VideoTextModel model, List<VideoEncoder.Encoded> videos, float[][] texts, int chunk) {
        int[] firstRow = new int[videos.size()];
        int rows = 0;
        for (int v = 0; v < videos.size(); v++) {
            firstRow[v] = rows;
            rows += videos.get(v).clips();
        }
        float[][] out = new float[rows][];
        for (List<Integer> group : groupByContextTokens(videos)) {
            int start = 0;
            while (start < group.size()) {
                int end = start;
                int chunkRows = 0;
                while (end < group.size()
                        && (chunkRows == 0 || chunkRows + videos.get(group.get(end)).clips() <= chunk)) {
                    chunkRows += videos.get(group.get(end)).clips();
                    end++;
                }
                List<Integer> members = group.subList(start, end);
                try (NDManager manager = Torch.newManager();
                     VideoEncoding encoding = VideoEncoder.stack(members.stream().map(videos::get).toList(), manager)) {
                    NDArray textArray = manager.create(flatten(texts), new Shape(texts.length,
                            texts[0].length));
                    float[] flat = model.logits(encoding, textArray).toFloatArray();
                    int r = 0;
                    for (int v : members) {
                        for (int c = 0; c < videos.get(v).clips(); c++, r++) {
                            out[firstRow[v] + c] = Arrays.copyOfRange(flat, r * texts.length,
                                    (r + 1) * texts.length);
                        }
                    }
                }
                start = end;
            }
        }
        return out;
    }

    /** Indices of {@code videos} grouped by context rows per clip (0: none), in order of first appearance. */
    static List<List<Integer>> groupByContextTokens(List<VideoEncoder.Encoded> videos) {
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int v = 0; v < videos.size(); v++) {
            VideoEncoder.Encoded e = videos.get(v);
            groups.computeIfAbsent(e.context() == null ? 0 : e.contextTokens(), k -> new ArrayList<>()).add(v);
        }
        return List.copyOf(groups.values());
    }

    static float[] flatten(float[][] rows) {
        int dim = rows[0].length;
        float[] flat = new float[rows.length * dim];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * dim, dim);
        }
        return flat;
    }
}
