package dev.vclip.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vclip.model.VideoEncoding;
import dev.vclip.model.VideoTextModel;
import dev.vclip.weights.Torch;

import java.util.List;

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
     * {@code chunk} clip rows at a time.
     */
    public static float[][] logits(VideoTextModel model, List<VideoEncoder.Encoded> videos, float[][] texts, int chunk) {
        int rows = videos.stream().mapToInt(VideoEncoder.Encoded::clips).sum();
        float[][] out = new float[rows][];
        int row = 0;
        int start = 0;
        while (start < videos.size()) {
            int end = start;
            int chunkRows = 0;
            while (end < videos.size() && (chunkRows == 0 || chunkRows + videos.get(end).clips() <= chunk)) {
                chunkRows += videos.get(end).clips();
                end++;
            }
            try (NDManager manager = Torch.newManager();
                 VideoEncoding encoding = VideoEncoder.stack(videos.subList(start, end), manager)) {
                NDArray textArray = manager.create(flatten(texts), new ai.djl.ndarray.types.Shape(texts.length,
                        texts[0].length));
                float[] flat = model.logits(encoding, textArray).toFloatArray();
                for (int r = 0; r < chunkRows; r++) {
                    out[row + r] = java.util.Arrays.copyOfRange(flat, r * texts.length, (r + 1) * texts.length);
                }
            }
            row += chunkRows;
            start = end;
        }
        return out;
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
