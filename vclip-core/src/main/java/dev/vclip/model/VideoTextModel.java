package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.ModelWeights;

import java.util.List;

/**
 * What tasks need of a video–text model: a vector per video and per text in one joint space. Implemented by
 * {@link Clip} (frame features, mean-pooled) and {@link XClip} (cross-frame vision, MIT, prompts).
 * Returned arrays live in the manager of the inputs (or the manager passed in).
 */
public interface VideoTextModel extends AutoCloseable {

    /** Video vectors [V, P] for pixel values [V, F, 3, S, S]. */
    NDArray videoFeatures(NDArray pixelValuesVideo);

    /**
     * Everything about videos [V, F, 3, S, S] that scoring needs, computed once: see {@link VideoEncoding}.
     */
    VideoEncoding encodeVideos(NDArray pixelValuesVideo);

    /**
     * Logits [V, T] of texts (features from {@link #textFeatures}) against encoded videos: exp(logit_scale) times
     * the cosine similarity, with X-CLIP's video-specific prompts applied per pair.
     */
    NDArray logits(VideoEncoding videos, NDArray textFeatures);

    /** Text vectors [T, P] for raw strings, tokenized with the model's tokenizer. */
    NDArray textFeatures(List<String> texts, NDManager manager);

    ModelConfig config();

    ModelWeights weights();

    ClipTokenizer tokenizer();

    @Override
    void close();
}
