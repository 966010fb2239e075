package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.ModelWeights;

import java.util.List;

/**
 * What {@link Clip} and {@link XClip} share besides the layers: a config, the named weights (owned: closing the
 * model frees them), the tokenizer, and turning strings into text features.
 */
abstract sealed class ClipFamilyModel implements VideoTextModel permits Clip, XClip {

    final ModelConfig config;
    final ModelWeights weights;
    final ClipTokenizer tokenizer;

    ClipFamilyModel(ModelConfig config, ModelWeights weights, ClipTokenizer tokenizer) {
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
    }

    /** {@code config} when its model_type is {@code family}; an error naming the class to use otherwise. */
    static ModelConfig requireFamily(ModelConfig config, String family) {
        if (!config.modelType().equals(family)) {
            throw new ConfigException("config is model_type '" + config.modelType() + "'; load it with "
                    + (config.isXClip() ? "XClip" : "Clip"));
        }
        return config;
    }

    /** HF {@code get_text_features} on token ids [T, L] and attention mask [T, L]: [T, P], not normalised. */
    public abstract NDArray textFeatures(NDArray inputIds, NDArray attentionMask);

    /** Tokenizes texts with the model's tokenizer (HF framing, the model's context length) and returns [T, P]. */
    @Override
    public NDArray textFeatures(List<String> texts, NDManager manager) {
        String key = "text_model.embeddings." + Clip.PROMPT_CTX;
        if (weights.contains(key)) {
            // ViFi-CLIP VL prompting tokenizes "X X ... X class name." and the text tower replaces the n placeholder
            // embeddings after BOS with the learned context (Clip.textTransformer)
            String placeholders = "X ".repeat((int) weights.get(key).getShape().get(0));
            texts = texts.stream().map(t -> placeholders + t).toList();
        }
        NDArray[] batch = TextBatch.encode(tokenizer, texts, config.text().maxPositionEmbeddings(),
                config.text().vocabSize(), manager);
        return textFeatures(batch[0], batch[1]);
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public ModelWeights weights() {
        return weights;
    }

    @Override
    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        weights.close();
    }
}
