package dev.vclip.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The configuration of a CLIP or X-CLIP model, read from a Hugging Face {@code config.json}.
 *
 * <p>Absent keys take the defaults of HF's {@code CLIPConfig} / {@code XCLIPConfig} classes (configuration_clip.py,
 * configuration_x_clip.py), kept in one place: the {@code defaults} arguments below. A key with a value of the wrong
 * type is an error naming the file and the key; a key that looks like a misspelling of a known one (edit distance at
 * most 2) is an error too; any other key vclip does not use is reported as a warning, because HF writes many generic
 * keys (generation settings, dropout, ...) that do not change inference.
 *
 * @param modelType             {@code "clip"} or {@code "xclip"}
 * @param projectionDim         P, the joint embedding width
 * @param logitScaleInitValue   init-only; the stored {@code logit_scale} parameter is authoritative
 * @param promptLayers          X-CLIP: layers of the video-specific prompt generator
 * @param promptAlpha           X-CLIP: init-only value of {@code prompts_generator.alpha}
 * @param promptHiddenAct       X-CLIP: activation of the prompt generator MLP
 * @param promptNumAttentionHeads X-CLIP: heads of the prompt generator's cross-attention
 */
public record ModelConfig(String modelType, int projectionDim, double logitScaleInitValue, TextConfig text,
                          VisionConfig vision, int promptLayers, double promptAlpha, String promptHiddenAct,
                          int promptNumAttentionHeads) {

    public static final String CLIP = "clip";
    public static final String XCLIP = "xclip";

    /** The text tower (HF {@code CLIPTextConfig} / {@code XCLIPTextConfig}). */
    public record TextConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                             int numAttentionHeads, int maxPositionEmbeddings, String hiddenAct, double layerNormEps,
                             int bosTokenId, int eosTokenId, int padTokenId) {
        public int headDim() {
            return hiddenSize / numAttentionHeads;
        }
    }

    /**
     * The vision tower (HF {@code CLIPVisionConfig} / {@code XCLIPVisionConfig}); the {@code mit*} fields and
     * {@code numFrames} are X-CLIP's and are 0 for CLIP.
     */
    public record VisionConfig(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
                               int numChannels, int imageSize, int patchSize, String hiddenAct, double layerNormEps,
                               int mitHiddenSize, int mitIntermediateSize, int mitNumHiddenLayers,
                               int mitNumAttentionHeads, int numFrames) {
        public int numPatches() {
            int side = imageSize / patchSize;
            return side * side;
        }

        public int headDim() {
            return hiddenSize / numAttentionHeads;
        }
    }

    public boolean isXClip() {
        return XCLIP.equals(modelType);
    }

    // ------------------------------------------------------------------------------------------ known keys

    /** Keys every HF {@code PretrainedConfig} may carry; they never affect the forward pass. */
    private static final Set<String> GENERIC_KEYS = Set.of(
            "_name_or_path", "_commit_hash", "_attn_implementation", "_attn_implementation_autoset", "architectures",
            "transformers_version", "torch_dtype", "dtype", "model_type", "initializer_factor", "initializer_range",
            "add_cross_attention", "bad_words_ids", "begin_suppress_tokens", "chunk_size_feed_forward",
            "cross_attention_hidden_size", "decoder_start_token_id", "diversity_penalty", "do_sample", "dropout",
            "early_stopping", "encoder_no_repeat_ngram_size", "exponential_decay_length_penalty", "finetuning_task",
            "forced_bos_token_id", "forced_eos_token_id", "id2label", "label2id", "is_decoder", "is_encoder_decoder",
            "length_penalty", "max_length", "min_length", "no_repeat_ngram_size", "num_beam_groups", "num_beams",
            "num_return_sequences", "output_attentions", "output_hidden_states", "output_scores", "prefix",
            "problem_type", "pruned_heads", "remove_invalid_values", "repetition_penalty", "return_dict",
            "return_dict_in_generate", "sep_token_id", "suppress_tokens", "task_specific_params", "temperature",
            "tf_legacy_loss", "tie_encoder_decoder", "tie_word_embeddings", "tokenizer_class", "top_k", "top_p",
            "torchscript", "typical_p", "use_bfloat16", "use_cache", "attention_dropout", "projection_dropout",
            "drop_path_rate", "prompt_attention_dropout", "prompt_projection_dropout", "text_config_dict",
            "vision_config_dict", "text_config", "vision_config", "projection_dim", "logit_scale_init_value",
            "pad_token_id", "bos_token_id", "eos_token_id");

    private static final Set<String> TOP_KEYS = Set.of("projection_dim", "logit_scale_init_value", "prompt_layers",
            "prompt_alpha", "prompt_hidden_act", "prompt_num_attention_heads");
    private static final Set<String> TEXT_KEYS = Set.of("vocab_size", "hidden_size", "intermediate_size",
            "num_hidden_layers", "num_attention_heads", "max_position_embeddings", "hidden_act", "layer_norm_eps",
            "bos_token_id", "eos_token_id", "pad_token_id", "projection_dim");
    private static final Set<String> VISION_KEYS = Set.of("hidden_size", "intermediate_size", "num_hidden_layers",
            "num_attention_heads", "num_channels", "image_size", "patch_size", "hidden_act", "layer_norm_eps",
            "mit_hidden_size", "mit_intermediate_size", "mit_num_hidden_layers", "mit_num_attention_heads",
            "num_frames", "projection_dim");

    /** Activations the models implement. */
    public static final Set<String> ACTIVATIONS = Set.of("quick_gelu", "gelu", "gelu_new", "gelu_pytorch_tanh", "relu");

    // ------------------------------------------------------------------------------------------ reading

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code dir/config.json} (or the file itself), printing warnings to stderr. */
    public static ModelConfig read(Path configJson) {
        return read(configJson, w -> System.err.println("warning: " + w));
    }

    public static ModelConfig read(Path configJson, Consumer<String> warnings) {
        Path file = Files.isDirectory(configJson) ? configJson.resolve("config.json") : configJson;
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file (a model folder needs config.json)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file + ": not a JSON object");
        }
        return fromJson(file.toString(), (ObjectNode) root, warnings);
    }

    /** Builds a config from a parsed config.json; {@code source} names it in messages. */
    public static ModelConfig fromJson(String source, ObjectNode root, Consumer<String> warnings) {
        Reader top = new Reader(source, "", root);
        String modelType = top.string("model_type", null);
        if (modelType == null) {
            throw new ConfigException(source + ": key 'model_type' is missing (expected \"clip\" or \"xclip\")");
        }
        modelType = modelType.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        if (!modelType.equals(CLIP) && !modelType.equals(XCLIP)) {
            throw new ConfigException(source + ": model_type '" + top.string("model_type", null)
                    + "' is not supported (vclip reads \"clip\" and \"xclip\")");
        }
        boolean xclip = modelType.equals(XCLIP);

        // Old HF exports carry text_config_dict / vision_config_dict; HF lets them override text_config / vision_config.
        ObjectNode textNode = merged(top, "text_config", "text_config_dict");
        ObjectNode visionNode = merged(top, "vision_config", "vision_config_dict");
        Reader t = new Reader(source, "text_config.", textNode);
        Reader v = new Reader(source, "vision_config.", visionNode);

        // Defaults: configuration_clip.py / configuration_x_clip.py of transformers.
        TextConfig text = new TextConfig(
                t.integer("vocab_size", 49408), t.integer("hidden_size", 512), t.integer("intermediate_size", 2048),
                t.integer("num_hidden_layers", 12), t.integer("num_attention_heads", 8),
                t.integer("max_position_embeddings", 77), t.activation("hidden_act", "quick_gelu"),
                t.number("layer_norm_eps", 1e-5),
                t.integer("bos_token_id", xclip ? 0 : 49406), t.integer("eos_token_id", xclip ? 2 : 49407),
                t.integer("pad_token_id", 1));
        VisionConfig vision = new VisionConfig(
                v.integer("hidden_size", 768), v.integer("intermediate_size", 3072), v.integer("num_hidden_layers", 12),
                v.integer("num_attention_heads", 12), v.integer("num_channels", 3), v.integer("image_size", 224),
                v.integer("patch_size", 32), v.activation("hidden_act", "quick_gelu"), v.number("layer_norm_eps", 1e-5),
                xclip ? v.integer("mit_hidden_size", 512) : 0, xclip ? v.integer("mit_intermediate_size", 2048) : 0,
                xclip ? v.integer("mit_num_hidden_layers", 1) : 0, xclip ? v.integer("mit_num_attention_heads", 8) : 0,
                xclip ? v.integer("num_frames", 8) : 0);
        ModelConfig config = new ModelConfig(modelType, top.integer("projection_dim", 512),
                top.number("logit_scale_init_value", 2.6592), text, vision,
                xclip ? top.integer("prompt_layers", 2) : 0, xclip ? top.number("prompt_alpha", 0.1) : 0,
                xclip ? top.activation("prompt_hidden_act", "quick_gelu") : "quick_gelu",
                xclip ? top.integer("prompt_num_attention_heads", 8) : 0);

        checkKeys(source, "", root, TOP_KEYS, warnings);
        checkKeys(source, "text_config.", textNode, TEXT_KEYS, warnings);
        checkKeys(source, "vision_config.", visionNode, VISION_KEYS, warnings);
        config.validate(source);
        return config;
    }

    /** Checks the dimensions fit together; each message names the keys involved. */
    public void validate(String source) {
        List<String> problems = new ArrayList<>();
        positive(problems, "text_config.hidden_size", text.hiddenSize);
        positive(problems, "text_config.num_attention_heads", text.numAttentionHeads);
        positive(problems, "vision_config.hidden_size", vision.hiddenSize);
        positive(problems, "vision_config.num_attention_heads", vision.numAttentionHeads);
        positive(problems, "vision_config.patch_size", vision.patchSize);
        positive(problems, "projection_dim", projectionDim);
        if (text.numAttentionHeads > 0 && text.hiddenSize % text.numAttentionHeads != 0) {
            problems.add("text_config.hidden_size " + text.hiddenSize + " is not divisible by num_attention_heads "
                    + text.numAttentionHeads);
        }
        if (vision.numAttentionHeads > 0 && vision.hiddenSize % vision.numAttentionHeads != 0) {
            problems.add("vision_config.hidden_size " + vision.hiddenSize + " is not divisible by num_attention_heads "
                    + vision.numAttentionHeads);
        }
        if (vision.patchSize > 0 && vision.imageSize % vision.patchSize != 0) {
            problems.add("vision_config.image_size " + vision.imageSize + " is not a multiple of patch_size "
                    + vision.patchSize);
        }
        if (isXClip()) {
            positive(problems, "vision_config.num_frames", vision.numFrames);
            positive(problems, "vision_config.mit_num_attention_heads", vision.mitNumAttentionHeads);
            positive(problems, "prompt_num_attention_heads", promptNumAttentionHeads);
            if (vision.mitHiddenSize != projectionDim) {
                // MIT runs on the projected frame embeddings (modeling_x_clip.py XCLIPMultiframeIntegrationTransformer)
                problems.add("vision_config.mit_hidden_size " + vision.mitHiddenSize + " must equal projection_dim "
                        + projectionDim);
            }
            if (vision.mitNumAttentionHeads > 0 && vision.mitHiddenSize % vision.mitNumAttentionHeads != 0) {
                problems.add("vision_config.mit_hidden_size is not divisible by mit_num_attention_heads");
            }
            if (promptNumAttentionHeads > 0 && projectionDim % promptNumAttentionHeads != 0) {
                problems.add("projection_dim " + projectionDim + " is not divisible by prompt_num_attention_heads "
                        + promptNumAttentionHeads);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source + ": " + String.join("; ", problems));
        }
    }

    private static void positive(List<String> problems, String key, int value) {
        if (value <= 0) {
            problems.add(key + " must be positive, is " + value);
        }
    }

    private static ObjectNode merged(Reader top, String key, String legacyKey) {
        ObjectNode merged = JSON.createObjectNode();
        ObjectNode base = top.object(key);
        ObjectNode legacy = top.object(legacyKey);
        if (base != null) {
            merged.setAll(base);
        }
        if (legacy != null) {
            merged.setAll(legacy);
        }
        return merged;
    }

    private static void checkKeys(String source, String prefix, JsonNode node, Set<String> known, Consumer<String> warnings) {
        List<String> ignored = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (known.contains(key) || GENERIC_KEYS.contains(key)) {
                continue;
            }
            for (String k : known) {
                if (editDistance(key, k) <= 2) {
                    throw new ConfigException(source + ": unknown key '" + prefix + key + "' (did you mean '" + prefix
                            + k + "'?)");
                }
            }
            ignored.add(prefix + key);
        }
        if (!ignored.isEmpty()) {
            warnings.accept(source + ": ignoring keys vclip does not use: " + String.join(", ", ignored));
        }
    }

    /** Levenshtein distance (for "did you mean" suggestions). */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }

    /** Typed access to one JSON object, with errors that name the file and the full key. */
    private record Reader(String source, String prefix, ObjectNode node) {

        private JsonNode value(String key) {
            JsonNode value = node.get(key);
            return value == null || value.isNull() ? null : value;
        }

        private ConfigException wrongType(String key, String expected, JsonNode value) {
            return new ConfigException(source + ": key '" + prefix + key + "' must be " + expected + ", found "
                    + value.getNodeType().toString().toLowerCase(Locale.ROOT) + " " + value);
        }

        int integer(String key, int defaultValue) {
            JsonNode value = value(key);
            if (value == null) {
                return defaultValue;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw wrongType(key, "an integer", value);
            }
            return value.intValue();
        }

        double number(String key, double defaultValue) {
            JsonNode value = value(key);
            if (value == null) {
                return defaultValue;
            }
            if (!value.isNumber()) {
                throw wrongType(key, "a number", value);
            }
            return value.doubleValue();
        }

        String string(String key, String defaultValue) {
            JsonNode value = value(key);
            if (value == null) {
                return defaultValue;
            }
            if (!value.isTextual()) {
                throw wrongType(key, "a string", value);
            }
            return value.textValue();
        }

        String activation(String key, String defaultValue) {
            String act = string(key, defaultValue);
            if (!ACTIVATIONS.contains(act)) {
                throw new ConfigException(source + ": key '" + prefix + key + "' is '" + act + "'; vclip implements "
                        + ACTIVATIONS);
            }
            return act;
        }

        ObjectNode object(String key) {
            JsonNode value = value(key);
            if (value == null) {
                return null;
            }
            if (!value.isObject()) {
                throw wrongType(key, "an object", value);
            }
            return (ObjectNode) value;
        }
    }

    /** The config as HF would write it (the keys vclip uses), for {@code vclip convert}. */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add(isXClip() ? "XCLIPModel" : "CLIPModel");
        root.put("model_type", modelType);
        root.put("projection_dim", projectionDim);
        root.put("logit_scale_init_value", logitScaleInitValue);
        if (isXClip()) {
            root.put("prompt_layers", promptLayers);
            root.put("prompt_alpha", promptAlpha);
            root.put("prompt_hidden_act", promptHiddenAct);
            root.put("prompt_num_attention_heads", promptNumAttentionHeads);
        }
        ObjectNode t = root.putObject("text_config");
        t.put("vocab_size", text.vocabSize).put("hidden_size", text.hiddenSize)
                .put("intermediate_size", text.intermediateSize).put("num_hidden_layers", text.numHiddenLayers)
                .put("num_attention_heads", text.numAttentionHeads)
                .put("max_position_embeddings", text.maxPositionEmbeddings).put("hidden_act", text.hiddenAct)
                .put("layer_norm_eps", text.layerNormEps).put("bos_token_id", text.bosTokenId)
                .put("eos_token_id", text.eosTokenId).put("pad_token_id", text.padTokenId);
        ObjectNode v = root.putObject("vision_config");
        v.put("hidden_size", vision.hiddenSize).put("intermediate_size", vision.intermediateSize)
                .put("num_hidden_layers", vision.numHiddenLayers).put("num_attention_heads", vision.numAttentionHeads)
                .put("num_channels", vision.numChannels).put("image_size", vision.imageSize)
                .put("patch_size", vision.patchSize).put("hidden_act", vision.hiddenAct)
                .put("layer_norm_eps", vision.layerNormEps);
        if (isXClip()) {
            v.put("mit_hidden_size", vision.mitHiddenSize).put("mit_intermediate_size", vision.mitIntermediateSize)
                    .put("mit_num_hidden_layers", vision.mitNumHiddenLayers)
                    .put("mit_num_attention_heads", vision.mitNumAttentionHeads).put("num_frames", vision.numFrames);
        }
        root.put("torch_dtype", "float32");
        return root;
    }

    /** A short human-readable summary, e.g. for {@code vclip info}. */
    public Map<String, Object> summary() {
        Map<String, Object> s = new java.util.LinkedHashMap<>();
        s.put("model_type", modelType);
        s.put("projection_dim", projectionDim);
        s.put("text", text.numHiddenLayers + " layers, width " + text.hiddenSize + ", " + text.numAttentionHeads
                + " heads, context " + text.maxPositionEmbeddings + ", vocab " + text.vocabSize);
        s.put("vision", vision.numHiddenLayers + " layers, width " + vision.hiddenSize + ", " + vision.numAttentionHeads
                + " heads, patch " + vision.patchSize + ", image " + vision.imageSize);
        if (isXClip()) {
            s.put("frames", vision.numFrames);
            s.put("mit", vision.mitNumHiddenLayers + " layers, width " + vision.mitHiddenSize + ", "
                    + vision.mitNumAttentionHeads + " heads");
            s.put("prompt_generator", promptLayers + " layers, " + promptNumAttentionHeads + " heads");
        }
        return s;
    }
}
