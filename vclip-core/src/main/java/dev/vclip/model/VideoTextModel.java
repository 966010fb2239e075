package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.ModelWeights;

import java.util.List;

/**
 * What tasks need of a video–text model: a vector per video and per text in one joint space. Each
 * {@link ModelFamily} makes one ({@link Clip}: frame features, mean-pooled; {@link XClip}: cross-frame vision, MIT,
 * prompts); callers ask it what input it takes ({@link #videoInput()}), never which family it is.
 * Returned arrays live in the manager of the inputs (or the manager passed in).
 *
 * <p>Thread safety: a loaded model is read-only (memory-mapped weights, no caches), so one instance serves concurrent
 * callers as long as each passes arrays of its own {@code NDManager}; libtorch runs each call on its intra-op
 * threads ({@code ai.djl.pytorch.num_threads}), so more concurrent calls than cores only queue. Training copies
 * ({@code ModelWeights.trainable}) are not shared.
 */
public interface VideoTextModel extends AutoCloseable {

    /** The frames per clip and the frame size this model takes. */
    default VideoInput videoInput() {
        return family().videoInput(config());
    }

    /** The family that made this model (its config, parameters and checkpoint rules). */
    default ModelFamily family() {
        return config().family();
    }

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

    /**
     * Tokens a text is cut to, [SOT] and [EOT] included: the text tower's {@code max_position_embeddings} unless the
     * family frames texts shorter (CLIP4Clip's {@code max_words}). Texts with more than {@code textContext() - 2} BPE
     * tokens are truncated ({@link ClipTokenizer#isTruncated}).
     */
    default int textContext() {
        return config().text().maxPositionEmbeddings();
    }

    ModelConfig config();

    ModelWeights weights();

    ClipTokenizer tokenizer();

    @Override
    void close();
}
