package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.ModelWeights;

import java.util.List;
import java.util.Map;

/**
 * What models of CLIP's family share besides the layers: a config, the named weights (owned: closing the model frees
 * them), the tokenizer, and turning strings into text features. Public so that a family outside this package
 * (registered through {@link ModelFamilies}) can build on it.
 */
public abstract class ClipFamilyModel implements VideoTextModel {

    protected final ModelConfig config;
    protected final ModelWeights weights;
    protected final ClipTokenizer tokenizer;

    protected ClipFamilyModel(ModelConfig config, ModelWeights weights, ClipTokenizer tokenizer) {
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
    }

    /** ViFi-CLIP's learned text context length (0: none); the text tower replaces that many placeholders. */
    protected int textPromptTokens() {
        return 0;
    }

    /** HF {@code get_text_features} on token ids [T, L] and attention mask [T, L]: [T, P], not normalised. */
    public NDArray textFeatures(NDArray inputIds, NDArray attentionMask) {
        return textFeatures(inputIds, attentionMask, Trace.NONE);
    }

    /** The same, recording the text tower's intermediates in {@code trace}. */
    public abstract NDArray textFeatures(NDArray inputIds, NDArray attentionMask, Trace trace);

    /**
     * The text tower's reference outputs, shared by the families built on CLIP's text tower: {@code text_features}
     * (intermediates recorded through {@code trace}) and {@code text_features_eotpad}, when the case has the ids.
     */
    static void textReference(ClipFamilyModel model, Map<String, NDArray> in, Trace trace, Map<String, NDArray> out) {
        NDArray ids = in.get("input_ids");
        NDArray mask = in.get("attention_mask");
        if (ids != null) {
            out.put("text_features", model.textFeatures(ids, mask, trace));
        }
        if (in.containsKey("input_ids_eotpad")) {
            out.put("text_features_eotpad", model.textFeatures(in.get("input_ids_eotpad"), mask));
        }
    }

    /** Tokenizes texts with the model's tokenizer (HF framing, the model's context length) and returns [T, P]. */
    @Override
    public NDArray textFeatures(List<String> texts, NDManager manager) {
        if (textPromptTokens() > 0) {
            // ViFi-CLIP VL prompting tokenizes "X X ... X class name." and the text tower replaces the n placeholder
            // embeddings after BOS with the learned context (Clip.textTransformer)
            String placeholders = "X ".repeat(textPromptTokens());
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
