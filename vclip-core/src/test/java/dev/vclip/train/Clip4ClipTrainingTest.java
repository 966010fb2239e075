package dev.vclip.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vclip.model.Clip4Clip;
import dev.vclip.model.ConfigException;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFamilies;
import dev.vclip.model.ModelFolder;
import dev.vclip.weights.ModelWeights;
import dev.vclip.weights.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CLIP4Clip through {@code vclip train}: its argument keys in the YAML config, the tiny preset, the logit-scale clamp
 * of contrastive training, and a short whole run whose model folder loads back as the same CLIP4Clip.
 */
class Clip4ClipTrainingTest {

    @TempDir
    Path dir;

    private Path yaml(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static TrainConfig opts(String... kv) {
        return TrainConfig.defaults().withOpts(List.of(kv));
    }

    @Test
    void clip4clipKeysDefaultToItsArguments() {
        TrainConfig c = TrainConfig.defaults();
        assertEquals("meanP", c.string("MODEL.SIM_HEADER"));
        assertEquals(4, c.integer("MODEL.CROSS_NUM_HIDDEN_LAYERS"));
        assertEquals(8, c.integer("MODEL.CROSS_NUM_ATTENTION_HEADS"));   // cross-base/cross_config.json
        assertEquals(32, c.integer("DATA.MAX_WORDS"));
        assertEquals(1.0, c.number("TRAIN.COEF_LR"));
        assertEquals(0, c.integer("MODEL.FREEZE_LAYER_NUM"));
    }

    @Test
    void modelTypeAcceptsEveryRegisteredFamily() {
        for (String type : ModelFamilies.modelTypes()) {
            assertEquals(type, opts("MODEL.TYPE", type).string("MODEL.TYPE"));
        }
        assertTrue(ModelFamilies.modelTypes().contains("clip4clip"));
        ConfigException e = assertThrows(ConfigException.class, () -> opts("MODEL.TYPE", "clip5clip"));
        assertTrue(e.getMessage().contains("--opts: key 'MODEL.TYPE' must be one of ")
                && e.getMessage().contains("clip4clip") && e.getMessage().contains("xclip"), e.getMessage());
    }

    @Test
    void badValuesNameTheFileAndTheKey() throws Exception {
        Path header = yaml("header.yaml", "MODEL:\n  TYPE: clip4clip\n  SIM_HEADER: meanp\n");
        ConfigException e = assertThrows(ConfigException.class, () -> TrainConfig.load(header, null));
        assertTrue(e.getMessage().contains("header.yaml: key 'MODEL.SIM_HEADER' must be one of meanP, seqLSTM, "
                + "seqTransf, tightTransf, got 'meanp'"), e.getMessage());

        Path freeze = yaml("freeze.yaml", "MODEL:\n  FREEZE_LAYER_NUM: -2\n");
        e = assertThrows(ConfigException.class, () -> TrainConfig.load(freeze, null));
        assertTrue(e.getMessage().contains("freeze.yaml: key 'MODEL.FREEZE_LAYER_NUM' must be a number >= -1"),
                e.getMessage());

        Path coef = yaml("coef.yaml", "TRAIN:\n  COEF_LR: 0\n");
        e = assertThrows(ConfigException.class, () -> TrainConfig.load(coef, null));
        assertTrue(e.getMessage().contains("coef.yaml: key 'TRAIN.COEF_LR' must be a number > 0"), e.getMessage());

        Path words = yaml("words.yaml", "MODEL:\n  TYPE: clip4clip\n  ARCH: tiny\nDATA:\n  INPUT_SIZE: 32\n"
                + "  MAX_WORDS: 100\n");
        e = assertThrows(ConfigException.class, () -> ModelPresets.config(TrainConfig.load(words, null)));
        assertTrue(e.getMessage().contains("words.yaml: key 'DATA.MAX_WORDS' is 100 but the text tower of MODEL.ARCH "
                + "tiny has 77 positions"), e.getMessage());

        Path heads = yaml("heads.yaml", "MODEL:\n  TYPE: clip4clip\n  ARCH: tiny\n  SIM_HEADER: tightTransf\n"
                + "  CROSS_NUM_ATTENTION_HEADS: 5\nDATA:\n  INPUT_SIZE: 32\n");
        e = assertThrows(ConfigException.class, () -> ModelPresets.config(TrainConfig.load(heads, null)));
        assertTrue(e.getMessage().contains("heads.yaml: key 'MODEL.CROSS_NUM_ATTENTION_HEADS' is 5 but must divide "
                + "the text width 48"), e.getMessage());
    }

    /** The header keys shape a clip4clip preset; with another MODEL.TYPE a changed one is an error, not ignored. */
    @Test
    void headerKeysOfAnotherFamilyAreRejected() throws Exception {
        Path file = yaml("xclip-header.yaml", "MODEL:\n  TYPE: xclip\n  ARCH: tiny\n  SIM_HEADER: seqTransf\n"
                + "DATA:\n  INPUT_SIZE: 32\n  NUM_FRAMES: 4\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ModelPresets.config(TrainConfig.load(file, null)));
        assertTrue(e.getMessage().contains("xclip-header.yaml: key 'MODEL.SIM_HEADER' is 'seqTransf' but applies only "
                + "to MODEL.TYPE clip4clip"), e.getMessage());
        // at their defaults they are no problem for another family
        assertEquals("xclip", ModelPresets.config(opts("MODEL.TYPE", "xclip", "MODEL.ARCH", "tiny",
                "DATA.INPUT_SIZE", "32", "DATA.NUM_FRAMES", "4")).modelType());
    }

    @Test
    void tinyPresetProjectsToTheTextWidthWithTheHeaderOfTheKeys() {
        ModelConfig c = ModelPresets.config(opts("MODEL.TYPE", "clip4clip", "MODEL.ARCH", "tiny",
                "MODEL.SIM_HEADER", "seqTransf", "MODEL.CROSS_NUM_HIDDEN_LAYERS", "2", "DATA.MAX_WORDS", "24",
                "DATA.INPUT_SIZE", "32", "DATA.NUM_FRAMES", "6"));
        assertEquals("clip4clip", c.modelType());
        assertEquals(c.text().hiddenSize(), c.projectionDim());
        Clip4Clip.Config h = c.familyConfig(Clip4Clip.Config.class);
        assertEquals(Clip4Clip.SimHeader.seqTransf, h.simHeader());
        assertEquals(2, h.crossLayers());
        assertEquals(24, h.maxWords());
        assertEquals(6, h.maxFrames());   // CLIP4Clip's max_frames is DATA.NUM_FRAMES
        assertEquals(8, h.crossHeads());
        assertTrue(ModelFolder.parameterShapes(c).containsKey("transformerClip.layers.1.mlp.fc2.weight"));
    }

    @Test
    void contrastiveTrainingClampsTheLogitScaleToLn100() {
        ModelConfig config = TrainFixtures.tiny("clip4clip");
        try (TrainableModel tm = TrainFixtures.model(config, 3, n -> true, Map.of())) {
            LossHead head = new LossHead.Contrastive();
            setLogitScale(tm, 6f);
            head.afterUpdate(tm);
            assertEquals(Math.log(100), logitScale(tm), 1e-6);
            setLogitScale(tm, -1f);
            head.afterUpdate(tm);
            assertEquals(0, logitScale(tm), 0);
            setLogitScale(tm, 3f);
            head.afterUpdate(tm);
            assertEquals(3, logitScale(tm), 0);
            // recognition has no such constraint
            setLogitScale(tm, 6f);
            new LossHead.Recognition(TrainFixtures.CLASS_TEXTS, true).afterUpdate(tm);
            assertEquals(6, logitScale(tm), 0);
        }
        // a frozen scale is the model's, not the optimiser's: left alone
        try (TrainableModel frozen = TrainFixtures.model(config, 3, n -> !n.equals("logit_scale"), Map.of())) {
            setLogitScale(frozen, 6f);
            new LossHead.Contrastive().afterUpdate(frozen);
            assertEquals(6, logitScale(frozen), 0);
        }
    }

    /** The trainer applies the clamp after each update: one small step from 4.7 ends at ln 100. */
    @Test
    void theTrainerClampsAfterEachStep() {
        MicroBatch base = TrainFixtures.randomBatch(4, 17);
        MicroBatch pairs = new MicroBatch(base.pixels(), 4, base.frames(), base.size(), null, base.labels(),
                List.of("a red square moving left", "a blue circle moving right", "a green star growing",
                        "a yellow cross shrinking"));
        try (TrainableModel tm = TrainFixtures.model(TrainFixtures.tiny("clip4clip"), 4, n -> true, Map.of());
             Trainer trainer = new Trainer(tm, new LossHead.Contrastive(), new LrSchedule(1e-4, 100, 0, 1, 1),
                     new Trainer.Settings(1, 1.0, 0.2))) {
            setLogitScale(tm, 4.7f);
            trainer.step(List.of(pairs));
            assertEquals(Math.log(100), logitScale(tm), 1e-6);
        }
    }

    private static void setLogitScale(TrainableModel tm, float value) {
        tm.master().get("logit_scale").set(FloatBuffer.wrap(new float[]{value}));
    }

    private static double logitScale(TrainableModel tm) {
        return tm.master().get("logit_scale").getFloat();
    }

    /**
     * A few updates of a tiny seqTransf CLIP4Clip on synthetic clips and their captions through {@link TrainRun}: the
     * CLIP parameters and the header move, the loss stays finite, the logit scale within [0, ln 100], and the model
     * folder loads back as a clip4clip with the same header.
     */
    @Test
    void aShortContrastiveRunWritesAClip4ClipModelFolder() throws Exception {
        Path out = dir.resolve("run");
        Path captions = TrainFixtures.dataset().resolve("retrieval/captions_train.csv");
        TrainConfig cfg = TrainFixtures.datasetConfig(out, "MODEL.TYPE", "clip4clip", "MODEL.SIM_HEADER", "seqTransf",
                "MODEL.CROSS_NUM_HIDDEN_LAYERS", "1", "MODEL.FREEZE_LAYER_NUM", "-1", "TRAIN.LOSS", "contrastive",
                "DATA.CAPTIONS", captions.toString(), "DATA.VAL_FILE", "", "TRAIN.BATCH_SIZE", "4",
                "TRAIN.COEF_LR", "0.5", "TRAIN.WEIGHT_DECAY", "0.2", "TRAIN.CLIP_GRAD", "1.0", "AUG.TRAIN_AUGMENT", "false",
                "SEED", "7");
        TrainRun.Result result = TrainRun.run(cfg, new TrainRun.Options(null, false, -1,
                new PrintStream(new ByteArrayOutputStream()), "test", dev.vclip.report.Progress.Factory.SILENT));
        assertTrue(result.updates() >= 4, "updates: " + result.updates());

        List<Double> losses = new ArrayList<>();
        for (JsonNode n : TrainLog.read(out.resolve("log.jsonl"))) {
            if ("train".equals(n.path("type").asText())) {
                losses.add(n.path("loss").asDouble());
            }
        }
        assertEquals(result.updates(), losses.size());
        assertTrue(losses.stream().allMatch(Double::isFinite), losses.toString());

        ModelConfig config = ModelPresets.config(cfg);
        try (ModelWeights init = ModelWeights.random(ModelFolder.parameterShapes(config), 7, null);
             SafeTensors trained = SafeTensors.open(result.model().resolve("model.safetensors"))) {
            for (String name : List.of("transformerClip.layers.0.mlp.fc1.weight", "frame_position_embeddings.weight",
                    "vision_model.encoder.layers.0.mlp.fc1.weight", "text_model.encoder.layers.1.self_attn.q_proj.weight",
                    "visual_projection.weight")) {
                assertFalse(Arrays.equals(init.get(name).toFloatArray(), trained.get(name).toFloatArray()),
                        name + " did not change");
            }
            float scale = trained.get("logit_scale").toFloatArray()[0];
            assertTrue(scale >= 0 && scale <= Math.log(100) + 1e-6, "logit_scale " + scale);
        }

        try (Clip4Clip model = Clip4Clip.load(result.model())) {
            assertEquals("clip4clip", model.config().modelType());
            assertEquals(Clip4Clip.SimHeader.seqTransf, model.simHeader());
            assertEquals(1, model.config().familyConfig(Clip4Clip.Config.class).crossLayers());
        }
    }

    /**
     * CenterCLIP through {@code vclip train}: the MODEL.CLUSTER_* keys put k-medoids token clustering into the tiny
     * preset's second block (4 frames -> 2 segments, 32 -> 8 tokens), training runs through the clustering (the gather
     * of the medoid tokens is differentiable, so the blocks before it still learn), and the model folder loads back
     * with the same clustering.
     */
    @Test
    void aShortCenterClipRunTrainsThroughTheClustering() throws Exception {
        Path out = dir.resolve("centerclip");
        Path captions = TrainFixtures.dataset().resolve("retrieval/captions_train.csv");
        TrainConfig cfg = TrainFixtures.datasetConfig(out, "MODEL.TYPE", "clip4clip", "MODEL.CLUSTER_INTER", "true",
                "MODEL.CLUSTER_NUM_BLOCKS", "[16, 8]", "MODEL.TARGET_FRAMES_BLOCKS", "[4, 2]",
                "MODEL.FREEZE_LAYER_NUM", "-1", "TRAIN.LOSS", "contrastive", "DATA.CAPTIONS", captions.toString(),
                "DATA.VAL_FILE", "", "TRAIN.BATCH_SIZE", "4", "AUG.TRAIN_AUGMENT", "false", "SEED", "7");
        TrainRun.Result result = TrainRun.run(cfg, new TrainRun.Options(null, false, -1,
                new PrintStream(new ByteArrayOutputStream()), "test", dev.vclip.report.Progress.Factory.SILENT));
        assertTrue(result.updates() >= 4, "updates: " + result.updates());

        ModelConfig config = ModelPresets.config(cfg);
        try (ModelWeights init = ModelWeights.random(ModelFolder.parameterShapes(config), 7, null);
             SafeTensors trained = SafeTensors.open(result.model().resolve("model.safetensors"))) {
            for (String name : List.of("vision_model.encoder.layers.0.mlp.fc1.weight",
                    "vision_model.encoder.layers.1.mlp.fc1.weight", "vision_model.embeddings.patch_embedding.weight")) {
                assertFalse(Arrays.equals(init.get(name).toFloatArray(), trained.get(name).toFloatArray()),
                        name + " did not change");
            }
        }
        try (Clip4Clip model = Clip4Clip.load(result.model())) {
            dev.vclip.model.TokenClustering.Config tc = model.tokenClustering().orElseThrow();
            assertEquals(List.of(2), tc.clusterBlocks());
            assertEquals(List.of(16, 8), tc.clusterNumBlocks());
            assertEquals(4, model.videoInput().frames());
            assertTrue(model.videoInput().fixedFrames(), "segments need exactly max_frames frames");
        }
    }

    @Test
    void aggregationChoosesMedoidsOrClusterMeans() {
        for (String aggregation : List.of("None", "mean")) {
            ModelConfig config = ModelPresets.config(opts("MODEL.TYPE", "clip4clip", "MODEL.ARCH", "tiny",
                    "DATA.INPUT_SIZE", "32", "DATA.NUM_FRAMES", "4", "MODEL.CLUSTER_INTER", "true",
                    "MODEL.CLUSTER_NUM_BLOCKS", "[16, 8]", "MODEL.TARGET_FRAMES_BLOCKS", "[4, 2]",
                    "MODEL.AGGREGATION", aggregation));
            assertEquals(aggregation, config.familyConfig(Clip4Clip.Config.class).tokenClustering().aggregation());
            assertEquals(aggregation, config.toJson().path("token_clustering").path("aggregation").asText());
        }
        ConfigException e = assertThrows(ConfigException.class, () -> opts("MODEL.AGGREGATION", "max"));
        assertTrue(e.getMessage().contains("MODEL.AGGREGATION"), e.getMessage());
    }

    @Test
    void clusteringListsNeedOneEntryPerVisionLayer() {
        ConfigException e = assertThrows(ConfigException.class, () -> ModelPresets.config(opts("MODEL.TYPE",
                "clip4clip", "MODEL.ARCH", "tiny", "DATA.INPUT_SIZE", "32", "DATA.NUM_FRAMES", "4",
                "MODEL.CLUSTER_INTER", "true", "MODEL.CLUSTER_NUM_BLOCKS", "[16, 8, 8]",
                "MODEL.TARGET_FRAMES_BLOCKS", "[4, 2]")));
        assertTrue(e.getMessage().contains("key 'MODEL.CLUSTER_NUM_BLOCKS' has 3 entries; MODEL.CLUSTER_INTER needs "
                + "one per vision layer of MODEL.ARCH tiny (2)"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ModelPresets.config(opts("MODEL.TYPE",
                "clip4clip", "MODEL.ARCH", "tiny", "DATA.INPUT_SIZE", "32", "DATA.NUM_FRAMES", "4",
                "MODEL.CLUSTER_INTER", "true", "MODEL.CLUSTER_NUM_BLOCKS", "[16, 8]",
                "MODEL.TARGET_FRAMES_BLOCKS", "[4, 3]")));
        assertTrue(e.getMessage().contains("whole number of frames per segment"), e.getMessage());
    }

    /** ViT-B/32 leaves its 12 layers to HF's default: the paper's B_6 setting (block 7, 4 segments of 3) is one. */
    @Test
    void theFullSizePresetClustersAtBlockSeven() {
        ModelConfig c = ModelPresets.config(opts("MODEL.TYPE", "clip4clip", "MODEL.ARCH", "ViT-B/32",
                "DATA.INPUT_SIZE", "224", "DATA.NUM_FRAMES", "12", "MODEL.CLUSTER_INTER", "true",
                "MODEL.CLUSTER_NUM_BLOCKS", "[49, 49, 49, 49, 49, 49, 49, 49, 49, 49, 49, 49]",
                "MODEL.TARGET_FRAMES_BLOCKS", "[12, 12, 12, 12, 12, 12, 4, 4, 4, 4, 4, 4]"));
        assertEquals(12, c.vision().numHiddenLayers());
        assertEquals(List.of(7), c.familyConfig(Clip4Clip.Config.class).tokenClustering().clusterBlocks());
    }
}
