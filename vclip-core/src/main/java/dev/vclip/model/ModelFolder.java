package dev.vclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.MappedCheckpoint;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.TensorFile;
import dev.vclip.weights.WeightsException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Loads a Hugging Face model folder: {@code config.json}, the weights ({@code model.safetensors}, a sharded
 * {@code model.safetensors.index.json}, or {@code pytorch_model.bin} — in HF names or an original
 * checkpoint's, see {@link dev.vclip.weights.KeyMapping}) and the tokenizer files ({@code vocab.json} +
 * {@code merges.txt}; the bundled OpenAI vocabulary when the folder has none).
 */
public final class ModelFolder {
    private static final System.Logger LOG = System.getLogger(ModelFolder.class.getName());
    private static final Consumer<String> LOGGED = w -> LOG.log(System.Logger.Level.WARNING, w);

    private ModelFolder() {
    }

    /** Loads whichever family config.json names; warnings (ignored keys, unused tensors) go to the logger. */
    public static VideoTextModel load(Path dir) {
        return load(dir, LOGGED);
    }

    /**
     * Loads a folder whose model must be of class {@code type}. The folder's family is checked first, from its
     * config.json alone: a folder of another family fails at once, naming the folder, its {@code model_type} and
     * family, before any weight is read.
     */
    public static <M extends VideoTextModel> M load(Path dir, Class<M> type) {
        ModelConfig config = readConfig(dir, LOGGED);
        Class<? extends VideoTextModel> made = config.family().modelClass();
        if (!type.isAssignableFrom(made)) {
            throw new ConfigException(dir + ": config.json says model_type '" + config.modelType() + "', "
                    + config.family().displayName() + ", which loads as " + made.getSimpleName() + ", not "
                    + type.getSimpleName() + "; load it with ModelFolder.load(dir)");
        }
        return type.cast(load(dir, config, LOGGED));
    }

    public static VideoTextModel load(Path dir, Consumer<String> warnings) {
        return load(dir, readConfig(dir, warnings), warnings);
    }

    private static ModelConfig readConfig(Path dir, Consumer<String> warnings) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(dir + ": not a folder (expected a model folder with config.json and weights)");
        }
        return ModelConfig.read(dir.resolve("config.json"), warnings);
    }

    private static VideoTextModel load(Path dir, ModelConfig config, Consumer<String> warnings) {
        ClipTokenizer tokenizer = ClipTokenizer.forModelDir(dir);
        List<TensorFile> files = openWeights(dir);
        try {
            ModelWeights weights = ModelWeights.load(files, parameterShapes(config), null, warnings);
            return create(config, weights, tokenizer);
        } finally {
            files.forEach(TensorFile::close);
        }
    }

    /** The parameters a config's model has, by HF name, with shapes (the family declares them). */
    public static Map<String, long[]> parameterShapes(ModelConfig config) {
        return config.family().parameterShapes(config);
    }

    /** Wraps weights that fit {@code config} into its family's model. */
    public static VideoTextModel create(ModelConfig config, ModelWeights weights, ClipTokenizer tokenizer) {
        return config.family().create(config, weights, tokenizer);
    }

    /** A model with random weights of the config's shapes (for tests, benchmarks, training from scratch). */
    public static VideoTextModel random(ModelConfig config, long seed) {
        return create(config, ModelWeights.random(parameterShapes(config), seed, null), ClipTokenizer.openaiDefault());
    }

    /** Opens the weight files of a model folder, in the order HF's from_pretrained prefers them. */
    public static List<TensorFile> openWeights(Path dir) {
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return List.of(SafeTensors.open(single));
        }
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            return openShards(dir, index);
        }
        for (String name : new String[]{"pytorch_model.bin", "model.pth", "model.pt"}) {
            Path bin = dir.resolve(name);
            if (Files.isRegularFile(bin)) {
                return List.of(MappedCheckpoint.open(bin, ModelFamilies.checkpointLayouts()));
            }
        }
        throw new WeightsException(dir + ": no weights found (expected model.safetensors, "
                + "model.safetensors.index.json or pytorch_model.bin)");
    }

    private static List<TensorFile> openShards(Path dir, Path index) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw new WeightsException(index + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new WeightsException(index + ": no 'weight_map' object");
        }
        Set<String> shards = new LinkedHashSet<>();
        for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
            shards.add(it.next().asText());
        }
        List<TensorFile> files = new ArrayList<>();
        try {
            for (String shard : shards) {
                files.add(SafeTensors.open(dir.resolve(shard)));
            }
        } catch (RuntimeException e) {
            files.forEach(TensorFile::close);
            throw e;
        }
        return files;
    }
}
