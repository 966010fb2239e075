package dev.vclip.model;

import ai.djl.ndarray.NDArray;

/**
 * What a video contributes to scoring, computed once per video so that any number of texts can be scored against
 * it: its features [B, P] and the video tokens that the text-dependent part of the score reads, [B, N, P]: X-CLIP's
 * prompt generator context, CLIP4Clip tightTransf's frame features (null where texts do not depend on the video:
 * CLIP, CLIP4Clip's loose headers). Caches store these two arrays.
 */
public record VideoEncoding(NDArray features, NDArray context) implements AutoCloseable {

    /** Number of videos. */
    public long size() {
        return features.getShape().get(0);
    }

    @Override
    public void close() {
        features.close();
        if (context != null) {
            context.close();
        }
    }
}
