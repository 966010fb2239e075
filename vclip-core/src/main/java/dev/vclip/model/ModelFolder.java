package dev.vclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.CheckpointLayout;
import dev.vclip.weights.pytorch.MappedCheckpoint;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.TensorFile;
import dev.vclip.weights.WeightsException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
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
        if (Files.isDirectory(dir) && hasModelType(dir)) {
            ModelConfig config = ModelConfig.read(dir.resolve("config.json"), LOGGED);
            Class<? extends VideoTextModel> made = config.family().modelClass();
            if (!type.isAssignableFrom(made)) {
                throw new ConfigException(dir + ": config.json says model_type '" + config.modelType() + "', "
                        + config.family().displayName() + ", which loads as " + made.getSimpleName() + ", not "
                        + type.getSimpleName() + "; load it with ModelFolder.load(dir)");
            }
        }
        VideoTextModel model = load(dir, LOGGED); // an original run folder: its family shows once its weights are read
        if (!type.isInstance(model)) {
            String family = model.family().displayName();
            model.close();
            throw new ConfigException(dir + ": the model is " + family + ", not " + type.getSimpleName()
                    + "; load it with ModelFolder.load(dir)");
        }
        return type.cast(model);
    }

    public static VideoTextModel load(Path dir, Consumer<String> warnings) {
        return load(dir, "", warnings);
    }

    /**
     * Loads one of the configurations a folder describes ({@link #configs}): "" is the folder's own; an original run
     * folder may describe more (CLIP4Clip's headers, CenterCLIP's evaluation runs), all over the same weights.
     */
    public static VideoTextModel load(Path dir, String configuration, Consumer<String> warnings) {
        checkFolder(dir);
        ModelConfig hfConfig = hasModelType(dir) ? ModelConfig.read(dir.resolve("config.json"), warnings) : null;
        ClipTokenizer tokenizer = ClipTokenizer.forModelDir(dir);
        List<TensorFile> files = openWeights(dir);
        try {
            ModelConfig config = pick(dir, hfConfig != null ? Map.of("", hfConfig) : runConfigs(dir, files, warnings),
                    configuration);
            ModelWeights weights = ModelWeights.load(files, parameterShapes(config), null, warnings);
            return create(config, weights, tokenizer);
        } finally {
            files.forEach(TensorFile::close);
        }
    }

    /**
     * The configurations a folder describes, by name: a Hugging Face / vclip folder has one, "" (its config.json);
     * an original run folder has the run's own as "" and any others its family reads beside the checkpoint
     * ({@link ModelFamily#runConfigs}).
     */
    public static Map<String, ModelConfig> configs(Path dir) {
        checkFolder(dir);
        if (hasModelType(dir)) {
            return Map.of("", ModelConfig.read(dir.resolve("config.json")));
        }
        List<TensorFile> files = openWeights(dir);
        try {
            return runConfigs(dir, files, w -> LOG.log(System.Logger.Level.WARNING, w));
        } finally {
            files.forEach(TensorFile::close);
        }
    }

    /** Fails, naming what is missing, unless {@code dir} is a folder with a config.json or weights. */
    private static void checkFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(dir + ": not a folder (expected a model folder with config.json and weights)");
        }
        if (!Files.exists(dir.resolve("config.json")) && !hasWeights(dir)) {
            throw new ConfigException(dir + ": no config.json and no weights: expected a model folder (config.json"
                    + " and model.safetensors) or an original CLIP4Clip / CenterCLIP run folder");
        }
    }


    /** A configuration name the folder does not describe; {@link #names()} are the ones it does. */
    public static final class NoSuchConfiguration extends ConfigException {
        private final List<String> names;

        NoSuchConfiguration(Path dir, String name, Collection<String> names) {
            super(dir + ": no configuration '" + name + "'; it describes " + describe(names));
            this.names = List.copyOf(names);
        }

        /** The configurations the folder describes ("" is its own, the default). */
        public List<String> names() {
            return names;
        }

        private static String describe(Collection<String> names) {
            return names.stream().map(k -> k.isEmpty() ? "\"\" (the default: its own)" : k)
                    .collect(java.util.stream.Collectors.joining(", "));
        }
    }

    static ModelConfig pick(Path dir, Map<String, ModelConfig> configs, String name) {
        ModelConfig config = configs.get(name);
        if (config == null) {
            throw new NoSuchConfiguration(dir, name, configs.keySet());
        }
        return config;
    }

    /** Whether the folder's config.json is a Hugging Face / vclip config (it names a {@code model_type}). */
    static boolean hasModelType(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            return root == null || !root.isObject() || root.has("model_type");
        } catch (IOException e) {
            return true; // ModelConfig.read names the problem
        }
    }

    private static Map<String, ModelConfig> runConfigs(Path dir, List<TensorFile> files, Consumer<String> warnings) {
        for (TensorFile file : files) {
            if (file instanceof MappedCheckpoint checkpoint && checkpoint.mapping().layout() != CheckpointLayout.HF) {
                Map<String, ModelConfig> configs = ModelFamilies.of(checkpoint.mapping())
                        .runConfigs(dir, checkpoint.mapping().tensors());
                if (!configs.isEmpty()) {
                    return configs;
                }
            }
        }
        ModelConfig.read(dir.resolve("config.json"), warnings); // names what is missing or wrong
        throw new ConfigException(dir.resolve("config.json") + ": no 'model_type' (vclip reads "
                + ModelFamilies.modelTypes() + ")");
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
        for (String name : new String[]{"pytorch_model.bin", "model.pth", "model.pt", "ckpt.best.pth.tar",
                "ckpt.pth.tar"}) {
            Path bin = dir.resolve(name);
            if (Files.isRegularFile(bin)) {
                return List.of(MappedCheckpoint.open(bin, ModelFamilies.checkpointLayouts()));
            }
        }
        Path epoch = latestEpoch(dir);
        if (epoch != null) {
            return List.of(MappedCheckpoint.open(epoch, ModelFamilies.checkpointLayouts()));
        }
        throw new WeightsException(dir + ": no weights found (expected model.safetensors, "
                + "model.safetensors.index.json, pytorch_model.bin[.N] or CenterCLIP's ckpt.best.pth.tar)");
    }

    /** Whether {@code dir} holds a file {@link #openWeights} would open. */
    private static boolean hasWeights(Path dir) {
        for (String name : new String[]{"model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
                "model.pth", "model.pt", "ckpt.best.pth.tar", "ckpt.pth.tar"}) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return true;
            }
        }
        return latestEpoch(dir) != null;
    }

    /** CLIP4Clip's {@code save_model} names: {@code pytorch_model.bin.<epoch>}; the highest epoch. */
    private static Path latestEpoch(Path dir) {
        Path best = null;
        long bestEpoch = -1;
        try (var files = Files.newDirectoryStream(dir, "pytorch_model.bin.*")) {
            for (Path f : files) {
                String suffix = f.getFileName().toString().substring("pytorch_model.bin.".length());
                if (suffix.matches("\\d{1,9}") && Long.parseLong(suffix) > bestEpoch) {
                    bestEpoch = Long.parseLong(suffix);
                    best = f;
                }
            }
        } catch (IOException e) {
            throw new WeightsException(dir + ": cannot list: " + e.getMessage(), e);
        }
        return best;
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
