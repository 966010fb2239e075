package dev.vclip.train;

import dev.vclip.model.ConfigException;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoInput;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.TensorFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the model a training run starts from, as X-CLIP's {@code xclip.load(MODEL.PRETRAINED, MODEL.ARCH, T=...)}
 * does: a {@code MODEL.PRETRAINED} model folder (HF layout: config.json + weights), or, when it is unset, random
 * weights of the {@code MODEL.ARCH} preset ({@link ModelPresets}) seeded by {@code SEED}; or a checkpoint when
 * resuming. VL prompt parameters ({@link VlPrompts}) are added when {@code TRAINER.ViFi_CLIP.PROMPT_MODEL} is on
 * (kept from the folder when it already has them). The frame count and input size must fit the data config.
 */
public final class ModelSetup {
    private ModelSetup() {
    }

    /** The model of a config (fresh start), with paths resolved by {@code paths}. */
    public static TrainableModel build(TrainConfig cfg, ConfigPaths paths) {
        String pretrained = cfg.string("MODEL.PRETRAINED");
        if (pretrained != null) {
            Path dir = paths.resolve("MODEL.PRETRAINED");
            if (!Files.isDirectory(dir)) {
                throw cfg.error("MODEL.PRETRAINED", "names '" + dir + "', which is not a model folder (config.json "
                        + "and model.safetensors; convert original checkpoints with vclip convert)");
            }
            ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
            checkData(cfg, config, "MODEL.PRETRAINED " + dir);
            List<TensorFile> files = new ArrayList<>(ModelFolder.openWeights(dir));
            return load(cfg, config, files, dir);
        }
        ModelConfig config = ModelPresets.config(cfg);
        List<TensorFile> files = new ArrayList<>();
        try (ModelWeights random = ModelWeights.random(ModelFolder.parameterShapes(config), cfg.integer("SEED"), null)) {
            MemoryTensors init = new MemoryTensors("random init (SEED " + cfg.integer("SEED") + ")");
            random.toStoredTensors().forEach(init::put);
            files.add(init);
        }
        return load(cfg, config, files, null);
    }

    /** The model saved in a checkpoint folder. */
    public static TrainableModel fromCheckpoint(TrainConfig cfg, Path checkpoint) {
        ModelConfig config = ModelConfig.read(checkpoint.resolve("config.json"));
        checkData(cfg, config, "checkpoint " + checkpoint);
        List<TensorFile> files = new ArrayList<>(List.of(SafeTensors.open(checkpoint.resolve(Checkpoints.MODEL_FILE))));
        boolean hasVocab = Files.isRegularFile(checkpoint.resolve("vocab.json"));
        return load(cfg, config, files, hasVocab ? checkpoint : null);
    }

    private static TrainableModel load(TrainConfig cfg, ModelConfig config, List<TensorFile> files, Path tokenizerDir) {
        try {
            VlPrompts.Spec spec = VlPrompts.spec(cfg);
            ModelConfig prompted = VlPrompts.apply(spec, config);
            Map<String, long[]> prompts = VlPrompts.shapes(config, prompted);
            Map<String, long[]> expected = new LinkedHashMap<>(ModelFolder.parameterShapes(prompted));
            boolean missing = prompts.keySet().stream().anyMatch(n -> files.stream().noneMatch(f -> f.names().contains(n)));
            if (missing) {
                ClipTokenizer tokenizer = tokenizerDir != null ? ClipTokenizer.forModelDir(tokenizerDir)
                        : ClipTokenizer.openaiDefault();
                TensorFile withEmbedding = files.stream()
                        .filter(f -> f.names().contains("text_model.embeddings.token_embedding.weight"))
                        .findFirst().orElseThrow();
                files.add(VlPrompts.init(spec, prompts, withEmbedding, tokenizer, cfg.integer("SEED")));
            }
            return TrainableModel.load(prompted, files, expected, tokenizerDir,
                    shapes -> ParameterPlan.of(shapes, config.family(), cfg));
        } finally {
            files.forEach(TensorFile::close);
        }
    }

    /** X-CLIP's MIT has one position per frame and every ViT one per patch: the data must fit the model. */
    static void checkData(TrainConfig cfg, ModelConfig config, String what) {
        VideoInput input = config.family().videoInput(config);
        if (input.fixedFrames() && input.frames() != cfg.integer("DATA.NUM_FRAMES")) {
            throw new ConfigException(cfg.origin("DATA.NUM_FRAMES") + ": key 'DATA.NUM_FRAMES' is "
                    + cfg.integer("DATA.NUM_FRAMES") + " but " + what + " is a " + config.family().displayName()
                    + " model for exactly " + input.frames() + " frames");
        }
        if (config.vision().imageSize() != cfg.integer("DATA.INPUT_SIZE")) {
            throw new ConfigException(cfg.origin("DATA.INPUT_SIZE") + ": key 'DATA.INPUT_SIZE' is "
                    + cfg.integer("DATA.INPUT_SIZE") + " but " + what + " takes " + config.vision().imageSize()
                    + "x" + config.vision().imageSize() + " images (vision_config.image_size)");
        }
    }
}
