package dev.vclip.model;

import ai.djl.ndarray.NDArray;

/**
 * What a video contributes to scoring, computed once per video so that any number of texts can be scored against
 * it: its features [B, P] and, for X-CLIP, the prompt generator's visual context [B, N, P] (null for CLIP, whose
 * texts do not depend on the video). Caches store these two arrays.
 */
public record VideoEncoding(NDArray features, NDArray promptContext) implements AutoCloseable {

    /** Number of videos. */
    public long size() {
        return features.getShape().get(0);
    }

    @Override
    public void close() {
        features.close();
        if (promptContext != null) {
            promptContext.close();
        }
    }
}
