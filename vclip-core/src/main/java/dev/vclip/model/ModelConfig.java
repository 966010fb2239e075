package dev.vclip.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.AtomicFiles;
import dev.vclip.weights.StoredTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration of a model, read from a Hugging Face {@code config.json}: the family ({@code model_type}), the
 * joint width, CLIP's two towers, and the family's own keys ({@link ModelFamily.FamilyConfig}, read by the family).
 *
 * <p>Absent keys take the defaults of HF's {@code CLIPConfig} (configuration_clip.py) and of the family. A key with
 * a value of the wrong type is an error naming the file and the key; a key that looks like a misspelling of one vclip
 * reads (edit distance at most 2) is an error too; any other key vclip does not use is reported as one warning,
 * because HF writes many generic keys (generation settings, dropout, ...) that do not change inference.
 *
 * @param family              the model family ({@link ModelFamilies} maps {@code model_type} to it)
 * @param projectionDim       P, the joint embedding width
 * @param logitScaleInitValue init-only; the stored {@code logit_scale} parameter is authoritative
 * @param familyConfig        the family's own keys (X-CLIP: MIT, frames, prompt generator)
 */
public record ModelConfig(ModelFamily family, int projectionDim, double logitScaleInitValue, TextConfig text,
                          VisionConfig vision, ModelFamily.FamilyConfig familyConfig) {

    /** The text tower (HF {@code CLIPTextConfig}). */
    public record TextConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                             int numAttentionHeads, int maxPositionEmbeddings, String hiddenAct, double layerNormEps,
                             int bosTokenId, int eosTokenId, int padTokenId) {
        public int headDim() {
            return hiddenSize / numAttentionHeads;
        }
    }

    /** The vision tower (HF {@code CLIPVisionConfig}). */
    public record VisionConfig(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
                               int numChannels, int imageSize, int patchSize, String hiddenAct, double layerNormEps) {
        public int numPatches() {
            int side = imageSize / patchSize;
            return side * side;
        }

        public int headDim() {
            return hiddenSize / numAttentionHeads;
        }
    }

    /** Default special-token ids of a family's text config. */
    public record TokenIds(int bos, int eos, int pad) {
    }

    /** {@code model_type} as config.json spells it. */
    public String modelType() {
        return family.modelType();
    }

    /** The family's own config, as its class (an error naming both when the family is another). */
    public <C extends ModelFamily.FamilyConfig> C familyConfig(Class<C> type) {
        if (!type.isInstance(familyConfig)) {
            throw new ConfigException("model_type '" + modelType() + "' has no " + type.getSimpleName());
        }
        return type.cast(familyConfig);
    }

    public ModelConfig withFamilyConfig(ModelFamily.FamilyConfig config) {
        return new ModelConfig(family, projectionDim, logitScaleInitValue, text, vision, config);
    }

    // ------------------------------------------------------------------------------------------ reading

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code dir/config.json} (or the file itself); warnings (keys vclip ignores) go to the logger. */
    public static ModelConfig read(Path configJson) {
        System.Logger log = System.getLogger(ModelConfig.class.getName());
        return read(configJson, w -> log.log(System.Logger.Level.WARNING, w));
    }

    /** Reads {@code dir/config.json} (or the file itself); warnings (keys vclip ignores) go to {@code warnings}. */
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
        ConfigReader top = new ConfigReader(source, "", root);
        String modelType = top.string("model_type", null);
        if (modelType == null) {
            throw new ConfigException(source + ": key 'model_type' is missing (vclip reads "
                    + ModelFamilies.modelTypes() + ")");
        }
        ModelFamily family = ModelFamilies.forModelType(modelType)
                .orElseThrow(() -> new ConfigException(source + ": model_type '" + top.string("model_type", null)
                        + "' is not supported (vclip reads " + ModelFamilies.modelTypes() + ")"));

        // Old HF exports carry text_config_dict / vision_config_dict; HF lets them override text_config / vision_config.
        ConfigReader t = new ConfigReader(source, "text_config.", merged(top, "text_config", "text_config_dict"));
        ConfigReader v = new ConfigReader(source, "vision_config.", merged(top, "vision_config", "vision_config_dict"));

        // Defaults: configuration_clip.py of transformers (the families' token ids differ).
        TokenIds ids = family.defaultTokenIds();
        TextConfig text = new TextConfig(
                t.integer("vocab_size", 49408), t.integer("hidden_size", 512), t.integer("intermediate_size", 2048),
                t.integer("num_hidden_layers", 12), t.integer("num_attention_heads", 8),
                t.integer("max_position_embeddings", 77), t.activation("hidden_act", "quick_gelu"),
                t.number("layer_norm_eps", 1e-5), t.integer("bos_token_id", ids.bos()),
                t.integer("eos_token_id", ids.eos()), t.integer("pad_token_id", ids.pad()));
        t.has("projection_dim"); // HF repeats it in each tower
        VisionConfig vision = new VisionConfig(
                v.integer("hidden_size", 768), v.integer("intermediate_size", 3072), v.integer("num_hidden_layers", 12),
                v.integer("num_attention_heads", 12), v.integer("num_channels", 3), v.integer("image_size", 224),
                v.integer("patch_size", 32), v.activation("hidden_act", "quick_gelu"), v.number("layer_norm_eps", 1e-5));
        v.has("projection_dim");
        ModelFamily.FamilyConfig own = family.readConfig(top, t, v);
        ModelConfig config = new ModelConfig(family, top.integer("projection_dim", 512),
                top.number("logit_scale_init_value", 2.6592), text, vision, own);

        top.checkUnknownKeys(warnings);
        t.checkUnknownKeys(warnings);
        v.checkUnknownKeys(warnings);
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
        family.validate(this, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(source + ": " + String.join("; ", problems));
        }
    }

    /** Adds "KEY must be positive" when {@code value} is not; for families' checks too. */
    public static void positive(List<String> problems, String key, int value) {
        if (value <= 0) {
            problems.add(key + " must be positive, is " + value);
        }
    }

    private static ObjectNode merged(ConfigReader top, String key, String legacyKey) {
        ObjectNode merged = JSON.createObjectNode();
        ObjectNode base = top.object(key).node();
        ObjectNode legacy = top.object(legacyKey).node();
        merged.setAll(base);
        merged.setAll(legacy);
        return merged;
    }

    /** Levenshtein distance (for "did you mean" suggestions). */
    public static int editDistance(String a, String b) {
        return ConfigReader.editDistance(a, b);
    }

    // ------------------------------------------------------------------------------------------ writing

    /** The config as HF would write it (the keys vclip uses), for {@code vclip convert} and saved models. */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add(family.architecture());
        root.put("model_type", modelType());
        root.put("projection_dim", projectionDim);
        root.put("logit_scale_init_value", logitScaleInitValue);
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
        family.writeConfig(this, root, t, v);
        root.put("torch_dtype", "float32");
        return root;
    }

    /** Writes {@link #toJson()} to {@code configJson}, pretty-printed, atomically (temporary file, then rename). */
    public void write(Path configJson) {
        try {
            AtomicFiles.write(configJson, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a config: " + e.getMessage(), e);
        }
    }

    /** A short human-readable summary, e.g. for {@code vclip info}. */
    public Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model_type", modelType());
        s.put("projection_dim", projectionDim);
        s.put("text", text.numHiddenLayers + " layers, width " + text.hiddenSize + ", " + text.numAttentionHeads
                + " heads, context " + text.maxPositionEmbeddings + ", vocab " + text.vocabSize);
        s.put("vision", vision.numHiddenLayers + " layers, width " + vision.hiddenSize + ", " + vision.numAttentionHeads
                + " heads, patch " + vision.patchSize + ", image " + vision.imageSize);
        family.describe(this, s);
        return s;
    }

    // ------------------------------------------------------------------------------------------ inferring

    /** How many attention heads a width has: the weights do not store it. */
    @FunctionalInterface
    public interface HeadCount {
        /** CLIP's rule, heads = width / 64 ({@code transformer_heads = transformer_width // 64}). */
        HeadCount CLIP_RULE = ModelConfig::headsFor;

        int heads(int width, String what);
    }

    /** CLIP's two towers and the joint width, read off HF-named tensors: see {@link #inferTowers}. */
    public record Towers(int projectionDim, TextConfig text, VisionConfig vision) {
    }

    /**
     * The towers' dimensions from HF-named tensors, as OpenAI's {@code build_model}: widths from the layer norms and
     * embeddings, layer counts from the distinct layer indices, patch size from the patch-embedding kernel, image
     * size = patch × √(positions − 1). Attention heads are not stored in the weights: heads = width / 64, the
     * convention of CLIP, X-CLIP and ViFi-CLIP ({@link HeadCount#CLIP_RULE}) unless the caller knows better.
     */
    public static Towers inferTowers(Map<String, StoredTensor> hf, TokenIds ids, HeadCount heads) {
        int projectionDim = dim(hf, "text_projection.weight", 0);
        int textWidth = dim(hf, "text_model.final_layer_norm.weight", 0);
        StoredTensor tokens = hf.get("text_model.embeddings.token_embedding.weight");
        OptionalInt vocab = tokens == null ? OptionalInt.empty() : OptionalInt.of((int) tokens.shape()[0]);
        TextConfig text = new TextConfig(vocab.orElse(49408), textWidth,
                intermediate(hf, "text_model.encoder.layers.", textWidth),
                layerCount(hf.keySet(), "text_model.encoder.layers."), heads.heads(textWidth, "text tower"),
                dim(hf, "text_model.embeddings.position_embedding.weight", 0), "quick_gelu", 1e-5,
                ids.bos(), ids.eos(), ids.pad());
        int visionWidth = dim(hf, "vision_model.embeddings.patch_embedding.weight", 0);
        int patchSize = dim(hf, "vision_model.embeddings.patch_embedding.weight", 3);
        int positions = dim(hf, "vision_model.embeddings.position_embedding.weight", 0);
        int grid = (int) Math.round(Math.sqrt(positions - 1));
        VisionConfig vision = new VisionConfig(visionWidth, intermediate(hf, "vision_model.encoder.layers.", visionWidth),
                layerCount(hf.keySet(), "vision_model.encoder.layers."), heads.heads(visionWidth, "vision tower"), 3,
                patchSize * grid, patchSize, "quick_gelu", 1e-5);
        return new Towers(projectionDim, text, vision);
    }

    /** 1 + the highest layer index under {@code prefix} (0 when there is none). */
    public static int layerCount(Set<String> names, String prefix) {
        Pattern index = Pattern.compile(Pattern.quote(prefix) + "(\\d+)\\..*");
        int count = 0;
        for (String name : names) {
            Matcher m = index.matcher(name);
            if (m.matches()) {
                count = Math.max(count, Integer.parseInt(m.group(1)) + 1);
            }
        }
        return count;
    }

    /** The MLP width of the first layer under {@code layersPrefix} (4 × width when there is none). */
    public static int intermediate(Map<String, StoredTensor> hf, String layersPrefix, int width) {
        StoredTensor fc1 = hf.get(layersPrefix + "0.mlp.fc1.weight");
        return fc1 == null ? 4 * width : (int) fc1.shape()[0];
    }

    /** CLIP's rule, heads = width / 64; refused for a width the rule cannot explain, rather than a guess. */
    public static int headsFor(int width, String what) {
        if (width <= 0 || width % 64 != 0) {
            throw new ConfigException("cannot infer the number of attention heads of the " + what + " (width " + width
                    + "; CLIP's rule is width / 64): give the model's config.json with --config");
        }
        return width / 64;
    }

    /** A dimension of a tensor; an error naming the tensor when it is absent. */
    public static int dim(Map<String, StoredTensor> hf, String name, int axis) {
        StoredTensor tensor = hf.get(name);
        if (tensor == null) {
            throw new ConfigException("cannot infer the model's dimensions: no tensor '" + name + "'");
        }
        long[] shape = tensor.shape();
        if (axis >= shape.length) {
            throw new ConfigException("cannot infer the model's dimensions: tensor '" + name + "' has shape "
                    + java.util.Arrays.toString(shape) + ", expected at least " + (axis + 1) + " dimensions");
        }
        return Math.toIntExact(shape[axis]);
    }

    static String normaliseModelType(String modelType) {
        return modelType.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }
}
