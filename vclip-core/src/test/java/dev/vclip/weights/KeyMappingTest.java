package dev.vclip.weights;

import dev.vclip.model.Clip;
import dev.vclip.model.ConfigException;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFamilies;
import dev.vclip.model.XClip;
import dev.vclip.weights.KeyMapping.Mapped;
import dev.vclip.weights.TorchSaveWriter.StateDict;
import dev.vclip.weights.pytorch.PytorchCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyMappingTest {

    /** The layouts of the registered families (the tables are in Clip.java and XClip.java). */
    private static final List<CheckpointLayout> LAYOUTS = ModelFamilies.checkpointLayouts();

    /** Parameters the family of a mapping needs (dims from its tensors, one head per width) that it lacks, sorted. */
    private static List<String> missing(Mapped mapped) {
        var family = ModelFamilies.of(mapped);
        ModelConfig config = family.inferConfig(mapped.tensors(), (width, what) -> 1);
        return mapped.missing(family.parameterShapes(config).keySet()).stream().sorted().toList();
    }

    // Small dims, all different so that a wrong transpose or split shows in the shapes.
    private static final int TEXT_WIDTH = 8, TEXT_LAYERS = 2, CONTEXT = 5, VOCAB = 11;
    private static final int VISION_WIDTH = 12, VISION_LAYERS = 2, PATCH = 4, GRID = 2;
    private static final int EMBED = 6, FRAMES = 3, MIT_LAYERS = 1, PROMPT_LAYERS = 2;

    @TempDir
    Path dir;

    private final Random random = new Random(42);

    // ---- synthetic checkpoints ----

    private StoredTensor randomTensor(String name, long... shape) {
        int n = (int) StoredTensor.elementCount(shape);
        ByteBuffer data = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            data.putFloat(i * 4, (float) random.nextGaussian());
        }
        return new StoredTensor(name, DType.F32, shape, data);
    }

    private void put(Map<String, StoredTensor> sd, String name, long... shape) {
        sd.put(name, randomTensor(name, shape));
    }

    private void residualBlock(Map<String, StoredTensor> sd, String prefix, int width) {
        put(sd, prefix + "attn.in_proj_weight", 3L * width, width);
        put(sd, prefix + "attn.in_proj_bias", 3L * width);
        put(sd, prefix + "attn.out_proj.weight", width, width);
        put(sd, prefix + "attn.out_proj.bias", width);
        put(sd, prefix + "ln_1.weight", width);
        put(sd, prefix + "ln_1.bias", width);
        put(sd, prefix + "mlp.c_fc.weight", 4L * width, width);
        put(sd, prefix + "mlp.c_fc.bias", 4L * width);
        put(sd, prefix + "mlp.c_proj.weight", width, 4L * width);
        put(sd, prefix + "mlp.c_proj.bias", width);
        put(sd, prefix + "ln_2.weight", width);
        put(sd, prefix + "ln_2.bias", width);
    }

    /** An OpenAI CLIP ViT state dict (clip/model.py names), with the JIT scalars. */
    private Map<String, StoredTensor> openAiClip() {
        Map<String, StoredTensor> sd = new LinkedHashMap<>();
        put(sd, "positional_embedding", CONTEXT, TEXT_WIDTH);
        put(sd, "text_projection", TEXT_WIDTH, EMBED);
        put(sd, "logit_scale");
        put(sd, "visual.class_embedding", VISION_WIDTH);
        put(sd, "visual.positional_embedding", GRID * GRID + 1, VISION_WIDTH);
        put(sd, "visual.proj", VISION_WIDTH, EMBED);
        put(sd, "visual.conv1.weight", VISION_WIDTH, 3, PATCH, PATCH);
        put(sd, "visual.ln_pre.weight", VISION_WIDTH);
        put(sd, "visual.ln_pre.bias", VISION_WIDTH);
        for (int i = 0; i < VISION_LAYERS; i++) {
            residualBlock(sd, "visual.transformer.resblocks." + i + ".", VISION_WIDTH);
        }
        put(sd, "visual.ln_post.weight", VISION_WIDTH);
        put(sd, "visual.ln_post.bias", VISION_WIDTH);
        for (int i = 0; i < TEXT_LAYERS; i++) {
            residualBlock(sd, "transformer.resblocks." + i + ".", TEXT_WIDTH);
        }
        put(sd, "token_embedding.weight", VOCAB, TEXT_WIDTH);
        put(sd, "ln_final.weight", TEXT_WIDTH);
        put(sd, "ln_final.bias", TEXT_WIDTH);
        for (String scalar : List.of("input_resolution", "context_length", "vocab_size")) {
            sd.put(scalar, new StoredTensor(scalar, DType.I64, new long[] {},
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 224)));
        }
        return sd;
    }

    /** An X-CLIP training checkpoint's "model" (microsoft/VideoX X-CLIP/models names). */
    private Map<String, StoredTensor> xclipOriginal() {
        Map<String, StoredTensor> sd = openAiClip();
        for (int i = 0; i < VISION_LAYERS; i++) {
            String block = "visual.transformer.resblocks." + i + ".";
            put(sd, block + "message_fc.weight", VISION_WIDTH, VISION_WIDTH);
            put(sd, block + "message_fc.bias", VISION_WIDTH);
            put(sd, block + "message_ln.weight", VISION_WIDTH);
            put(sd, block + "message_ln.bias", VISION_WIDTH);
            put(sd, block + "message_attn.in_proj_weight", 3L * VISION_WIDTH, VISION_WIDTH);
            put(sd, block + "message_attn.in_proj_bias", 3L * VISION_WIDTH);
            put(sd, block + "message_attn.out_proj.weight", VISION_WIDTH, VISION_WIDTH);
            put(sd, block + "message_attn.out_proj.bias", VISION_WIDTH);
        }
        put(sd, "prompts_visual_ln.weight", VISION_WIDTH);
        put(sd, "prompts_visual_ln.bias", VISION_WIDTH);
        put(sd, "prompts_visual_proj", VISION_WIDTH, EMBED);
        put(sd, "mit.positional_embedding", 1, FRAMES, EMBED);
        for (int i = 0; i < MIT_LAYERS; i++) {
            residualBlock(sd, "mit.resblocks." + i + ".", EMBED);
        }
        put(sd, "prompts_generator.alpha", EMBED);
        put(sd, "prompts_generator.norm.weight", EMBED);
        put(sd, "prompts_generator.norm.bias", EMBED);
        for (int i = 0; i < PROMPT_LAYERS; i++) {
            String layer = "prompts_generator.decoder." + i + ".";
            put(sd, layer + "cross_attn.q_proj.weight", EMBED, EMBED);
            put(sd, layer + "cross_attn.k_proj.weight", EMBED, EMBED);
            put(sd, layer + "cross_attn.v_proj.weight", EMBED, EMBED);
            put(sd, layer + "cross_attn.proj.weight", EMBED, EMBED);
            put(sd, layer + "cross_attn.proj.bias", EMBED);
            put(sd, layer + "norm1.weight", EMBED);
            put(sd, layer + "norm1.bias", EMBED);
            put(sd, layer + "norm3.weight", EMBED);
            put(sd, layer + "norm3.bias", EMBED);
            put(sd, layer + "mlp.0.weight", 4L * EMBED, EMBED);
            put(sd, layer + "mlp.0.bias", 4L * EMBED);
            put(sd, layer + "mlp.3.weight", EMBED, 4L * EMBED);
            put(sd, layer + "mlp.3.bias", EMBED);
        }
        return sd;
    }

    /** A ViFi-CLIP checkpoint's "model" as saved from DDP (trainers/vificlip.py names, "module." prefix). */
    private Map<String, StoredTensor> vifiClip() {
        Map<String, StoredTensor> sd = new LinkedHashMap<>();
        put(sd, "module.prompt_learner.ctx", 4, TEXT_WIDTH);
        put(sd, "module.prompt_learner.token_prefix", 7, 1, TEXT_WIDTH);
        put(sd, "module.prompt_learner.token_suffix", 7, 3, TEXT_WIDTH);
        for (Map.Entry<String, StoredTensor> e : openAiClip().entrySet()) {
            String name = e.getKey();
            if (name.equals("token_embedding.weight") || List.of("input_resolution", "context_length", "vocab_size")
                    .contains(name)) {
                continue; // ViFi-CLIP keeps the token embedding out of the model; no JIT scalars
            }
            String vifiName = name.equals("logit_scale") ? name
                    : name.startsWith("visual.") ? "image_encoder." + name.substring("visual.".length())
                    : "text_encoder." + name;
            sd.put("module." + vifiName, e.getValue());
        }
        put(sd, "module.image_encoder.VPT", 2, VISION_WIDTH);
        put(sd, "module.image_encoder.transformer.resblocks.1.VPT_shallow", 2, VISION_WIDTH);
        put(sd, "module.text_encoder.transformer.resblocks.1.VPT_shallow", 4, TEXT_WIDTH);
        return sd;
    }

    // ---- checks ----

    private static float[] rows(StoredTensor tensor, int from, int to) {
        long[] shape = tensor.shape();
        int rowLength = shape.length == 1 ? 1 : (int) (tensor.elementCount() / shape[0]);
        return Arrays.copyOfRange(tensor.toFloatArray(), from * rowLength, to * rowLength);
    }

    private static float[] transposed(StoredTensor tensor) {
        int r = (int) tensor.shape()[0];
        int c = (int) tensor.shape()[1];
        float[] in = tensor.toFloatArray();
        float[] out = new float[in.length];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out[j * r + i] = in[i * c + j];
            }
        }
        return out;
    }

    private static void assertSameTensor(StoredTensor expected, StoredTensor actual) {
        assertEquals(expected.dtype(), actual.dtype(), actual.name());
        assertArrayEquals(expected.shape(), actual.shape(), actual.name());
        assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), actual.name());
    }

    private static void assertSplitInThree(StoredTensor inProj, Map<String, StoredTensor> hf, String prefix,
                                           String suffix) {
        int w = (int) inProj.shape()[0] / 3;
        String[] parts = {"q", "k", "v"};
        for (int i = 0; i < 3; i++) {
            StoredTensor part = hf.get(prefix + parts[i] + "_proj" + suffix);
            assertEquals(w, part.shape()[0], part.name());
            assertArrayEquals(rows(inProj, i * w, (i + 1) * w), part.toFloatArray(), part.name());
        }
    }

    @Test
    void openAiClipMapsToHfClipNames() {
        Map<String, StoredTensor> original = openAiClip();
        assertEquals(Clip.Family.OPENAI, KeyMapping.detect(original.keySet(), LAYOUTS));
        Mapped mapped = KeyMapping.toHf(Clip.Family.OPENAI, original, "ViT-B-32.pt");
        Map<String, StoredTensor> hf = mapped.tensors();

        assertEquals(List.of(), mapped.unmapped());
        assertEquals(List.of(), missing(mapped));
        assertEquals(List.of("input_resolution", "context_length", "vocab_size"), mapped.dropped());
        assertEquals(14 + 16 * (TEXT_LAYERS + VISION_LAYERS), hf.size());

        // in_proj split: q = rows [0, w), k = [w, 2w), v = [2w, 3w)
        assertSplitInThree(original.get("transformer.resblocks.1.attn.in_proj_weight"), hf,
                "text_model.encoder.layers.1.self_attn.", ".weight");
        assertSplitInThree(original.get("transformer.resblocks.1.attn.in_proj_bias"), hf,
                "text_model.encoder.layers.1.self_attn.", ".bias");
        assertSplitInThree(original.get("visual.transformer.resblocks.0.attn.in_proj_weight"), hf,
                "vision_model.encoder.layers.0.self_attn.", ".weight");

        // projections [width, embed] become nn.Linear weights [embed, width]
        StoredTensor textProjection = hf.get("text_projection.weight");
        assertArrayEquals(new long[] {EMBED, TEXT_WIDTH}, textProjection.shape());
        assertArrayEquals(transposed(original.get("text_projection")), textProjection.toFloatArray());
        StoredTensor visualProjection = hf.get("visual_projection.weight");
        assertArrayEquals(new long[] {EMBED, VISION_WIDTH}, visualProjection.shape());
        assertArrayEquals(transposed(original.get("visual.proj")), visualProjection.toFloatArray());

        assertSameTensor(original.get("token_embedding.weight"), hf.get("text_model.embeddings.token_embedding.weight"));
        assertSameTensor(original.get("positional_embedding"), hf.get("text_model.embeddings.position_embedding.weight"));
        assertSameTensor(original.get("ln_final.bias"), hf.get("text_model.final_layer_norm.bias"));
        assertSameTensor(original.get("visual.class_embedding"), hf.get("vision_model.embeddings.class_embedding"));
        assertSameTensor(original.get("visual.positional_embedding"),
                hf.get("vision_model.embeddings.position_embedding.weight"));
        assertSameTensor(original.get("visual.conv1.weight"), hf.get("vision_model.embeddings.patch_embedding.weight"));
        assertSameTensor(original.get("visual.ln_pre.weight"), hf.get("vision_model.pre_layrnorm.weight"));
        assertSameTensor(original.get("visual.ln_post.bias"), hf.get("vision_model.post_layernorm.bias"));
        assertSameTensor(original.get("transformer.resblocks.0.attn.out_proj.weight"),
                hf.get("text_model.encoder.layers.0.self_attn.out_proj.weight"));
        assertSameTensor(original.get("transformer.resblocks.0.ln_1.weight"),
                hf.get("text_model.encoder.layers.0.layer_norm1.weight"));
        assertSameTensor(original.get("visual.transformer.resblocks.1.ln_2.bias"),
                hf.get("vision_model.encoder.layers.1.layer_norm2.bias"));
        assertSameTensor(original.get("visual.transformer.resblocks.1.mlp.c_fc.weight"),
                hf.get("vision_model.encoder.layers.1.mlp.fc1.weight"));
        assertSameTensor(original.get("transformer.resblocks.1.mlp.c_proj.bias"),
                hf.get("text_model.encoder.layers.1.mlp.fc2.bias"));
        assertSameTensor(original.get("logit_scale"), hf.get("logit_scale"));
    }

    @Test
    void xclipOriginalNamesMapToHfXclipNames() {
        Map<String, StoredTensor> original = xclipOriginal();
        assertEquals(XClip.Family.VIDEOX, KeyMapping.detect(original.keySet(), LAYOUTS));
        Mapped mapped = KeyMapping.toHf(XClip.Family.VIDEOX, original, "k400_32_8.pth");
        Map<String, StoredTensor> hf = mapped.tensors();

        assertEquals(List.of(), mapped.unmapped());
        assertEquals(List.of(), missing(mapped));
        assertTrue(hf.containsKey("vision_model.pre_layernorm.weight"), "X-CLIP spells it pre_layernorm");
        assertFalse(hf.containsKey("vision_model.pre_layrnorm.weight"));

        assertSplitInThree(original.get("visual.transformer.resblocks.1.message_attn.in_proj_weight"), hf,
                "vision_model.encoder.layers.1.message_attn.", ".weight");
        assertSplitInThree(original.get("visual.transformer.resblocks.1.message_attn.in_proj_bias"), hf,
                "vision_model.encoder.layers.1.message_attn.", ".bias");
        assertSplitInThree(original.get("mit.resblocks.0.attn.in_proj_weight"), hf,
                "mit.encoder.layers.0.self_attn.", ".weight");
        assertSameTensor(original.get("visual.transformer.resblocks.0.message_attn.out_proj.weight"),
                hf.get("vision_model.encoder.layers.0.message_attn.out_proj.weight"));
        assertSameTensor(original.get("visual.transformer.resblocks.0.message_fc.bias"),
                hf.get("vision_model.encoder.layers.0.message_fc.bias"));
        assertSameTensor(original.get("visual.transformer.resblocks.0.message_ln.weight"),
                hf.get("vision_model.encoder.layers.0.message_ln.weight"));
        assertSameTensor(original.get("mit.positional_embedding"), hf.get("mit.position_embedding"));
        assertSameTensor(original.get("mit.resblocks.0.mlp.c_fc.weight"), hf.get("mit.encoder.layers.0.mlp.fc1.weight"));
        assertSameTensor(original.get("mit.resblocks.0.ln_2.weight"), hf.get("mit.encoder.layers.0.layer_norm2.weight"));
        assertSameTensor(original.get("mit.resblocks.0.attn.out_proj.bias"),
                hf.get("mit.encoder.layers.0.self_attn.out_proj.bias"));
        assertSameTensor(original.get("prompts_visual_ln.bias"), hf.get("prompts_visual_layernorm.bias"));
        // prompts_visual_proj keeps its [vision_width, embed] orientation
        assertSameTensor(original.get("prompts_visual_proj"), hf.get("prompts_visual_projection"));
        assertSameTensor(original.get("prompts_generator.norm.weight"), hf.get("prompts_generator.layernorm.weight"));
        assertSameTensor(original.get("prompts_generator.alpha"), hf.get("prompts_generator.alpha"));
        for (String part : List.of("cross_attn.q_proj.weight", "cross_attn.k_proj.weight", "cross_attn.v_proj.weight",
                "cross_attn.proj.weight", "cross_attn.proj.bias", "norm1.weight", "norm3.bias", "mlp.0.weight",
                "mlp.3.bias")) {
            String name = "prompts_generator.decoder.1." + part;
            assertSameTensor(original.get(name), hf.get(name));
        }
        assertArrayEquals(transposed(original.get("visual.proj")), hf.get("visual_projection.weight").toFloatArray());
    }

    @Test
    void unknownKeysAreReportedNotDropped() {
        Map<String, StoredTensor> original = openAiClip();
        put(original, "visual.adapter.weight", 3);
        put(original, "module.head.fc.weight", 2, 2);
        Mapped mapped = KeyMapping.toHf(Clip.Family.OPENAI, original, "finetuned.pth");
        assertEquals(List.of("visual.adapter.weight", "module.head.fc.weight"), mapped.unmapped());
        assertFalse(mapped.tensors().containsKey("visual.adapter.weight"));
    }

    @Test
    void missingTensorsAreReported() {
        Map<String, StoredTensor> original = openAiClip();
        original.remove("visual.ln_post.bias");
        original.remove("transformer.resblocks.0.attn.in_proj_weight");
        Mapped mapped = KeyMapping.toHf(Clip.Family.OPENAI, original, "partial.pth");
        assertEquals(List.of("text_model.encoder.layers.0.self_attn.k_proj.weight",
                "text_model.encoder.layers.0.self_attn.q_proj.weight",
                "text_model.encoder.layers.0.self_attn.v_proj.weight",
                "vision_model.post_layernorm.bias"), missing(mapped));
    }

    @Test
    void vifiClipMapsItsClipPartsAndKeepsPromptVectorsAsExtras() {
        Map<String, StoredTensor> original = vifiClip();
        assertEquals(Clip.Family.VIFI, KeyMapping.detect(original.keySet(), LAYOUTS));
        Mapped mapped = KeyMapping.toHf(Clip.Family.VIFI, original, "vifi_clip_k400.pth");
        Map<String, StoredTensor> hf = mapped.tensors();

        assertEquals(List.of(), mapped.unmapped());
        assertEquals(List.of("prompt_learner.ctx", "image_encoder.VPT",
                "image_encoder.transformer.resblocks.1.VPT_shallow",
                "text_encoder.transformer.resblocks.1.VPT_shallow"), mapped.extras());
        assertEquals(List.of("module.prompt_learner.token_prefix", "module.prompt_learner.token_suffix"),
                mapped.dropped());
        assertEquals(List.of("text_model.embeddings.token_embedding.weight"), missing(mapped));

        assertSameTensor(original.get("module.prompt_learner.ctx"), hf.get("prompt_learner.ctx"));
        assertSameTensor(original.get("module.image_encoder.conv1.weight"),
                hf.get("vision_model.embeddings.patch_embedding.weight"));
        assertSameTensor(original.get("module.image_encoder.ln_pre.bias"), hf.get("vision_model.pre_layrnorm.bias"));
        assertSameTensor(original.get("module.text_encoder.positional_embedding"),
                hf.get("text_model.embeddings.position_embedding.weight"));
        assertSameTensor(original.get("module.text_encoder.ln_final.weight"), hf.get("text_model.final_layer_norm.weight"));
        assertSplitInThree(original.get("module.image_encoder.transformer.resblocks.1.attn.in_proj_weight"), hf,
                "vision_model.encoder.layers.1.self_attn.", ".weight");
        assertArrayEquals(transposed(original.get("module.text_encoder.text_projection")),
                hf.get("text_projection.weight").toFloatArray());
        assertArrayEquals(transposed(original.get("module.image_encoder.proj")),
                hf.get("visual_projection.weight").toFloatArray());
        assertSameTensor(original.get("module.logit_scale"), hf.get("logit_scale"));

        ModelConfig dims = new Clip.Family().inferConfig(mapped.tensors(), (width, what) -> 1);
        assertEquals(49408, dims.text().vocabSize(), "no token embedding: OpenAI's vocabulary size");
        assertEquals(TEXT_WIDTH, dims.text().hiddenSize());
    }

    @Test
    void hfNamesPassThroughWithoutModulePrefix() {
        Map<String, StoredTensor> hf = new LinkedHashMap<>();
        for (Map.Entry<String, StoredTensor> e : KeyMapping.toHf(Clip.Family.OPENAI, openAiClip(), "x")
                .tensors().entrySet()) {
            hf.put("module." + e.getKey(), e.getValue());
        }
        assertEquals(CheckpointLayout.HF, KeyMapping.detect(hf.keySet(), LAYOUTS));
        Mapped mapped = KeyMapping.toHf(CheckpointLayout.HF, hf, "pytorch_model.bin");
        assertEquals(List.of(), mapped.unmapped());
        assertEquals(List.of(), missing(mapped));
        assertTrue(mapped.tensors().containsKey("vision_model.pre_layrnorm.weight"));
        assertEquals(hf.size(), mapped.tensors().size());
    }

    @Test
    void sameNameWithAndWithoutModulePrefixIsAnError() {
        Map<String, StoredTensor> original = openAiClip();
        put(original, "module.logit_scale");
        WeightsException e = assertThrows(WeightsException.class,
                () -> KeyMapping.toHf(Clip.Family.OPENAI, original, "twice.pth"));
        assertTrue(e.getMessage().contains("logit_scale") && e.getMessage().contains("twice.pth"), e.getMessage());
    }

    @Test
    void detectionRefusesResNetAndUnknownLayouts() {
        WeightsException resnet = assertThrows(WeightsException.class,
                () -> KeyMapping.detect(Set.of("visual.layer1.0.conv1.weight", "visual.attnpool.c_proj.weight"), LAYOUTS));
        assertTrue(resnet.getMessage().contains("ResNet"));
        WeightsException unknown = assertThrows(WeightsException.class,
                () -> KeyMapping.detect(Set.of("backbone.stem.weight"), LAYOUTS));
        assertTrue(unknown.getMessage().contains("backbone.stem.weight"));
    }

    @Test
    void dimsAreInferredAsBuildModelDoes() {
        ModelConfig clip = new Clip.Family().inferConfig(KeyMapping.toHf(Clip.Family.OPENAI, openAiClip(), "x").tensors(),
                (width, what) -> 1);
        assertEquals(EMBED, clip.projectionDim());
        assertEquals(List.of(TEXT_WIDTH, TEXT_LAYERS, 4 * TEXT_WIDTH, CONTEXT, VOCAB), List.of(clip.text().hiddenSize(),
                clip.text().numHiddenLayers(), clip.text().intermediateSize(), clip.text().maxPositionEmbeddings(),
                clip.text().vocabSize()));
        assertEquals(List.of(VISION_WIDTH, VISION_LAYERS, 4 * VISION_WIDTH, PATCH, PATCH * GRID), List.of(
                clip.vision().hiddenSize(), clip.vision().numHiddenLayers(), clip.vision().intermediateSize(),
                clip.vision().patchSize(), clip.vision().imageSize()));

        ModelConfig xclip = new XClip.Family().inferConfig(
                KeyMapping.toHf(XClip.Family.VIDEOX, xclipOriginal(), "x").tensors(), (width, what) -> 1);
        XClip.Config video = xclip.familyConfig(XClip.Config.class);
        assertEquals(List.of(FRAMES, EMBED, MIT_LAYERS, 4 * EMBED, PROMPT_LAYERS), List.of(video.numFrames(),
                video.mitHiddenSize(), video.mitNumHiddenLayers(), video.mitIntermediateSize(), video.promptLayers()));

        // heads are not in the weights: CLIP's width / 64 refuses widths it cannot explain, naming the tower
        ConfigException e = assertThrows(ConfigException.class, () -> new Clip.Family().inferConfig(
                KeyMapping.toHf(Clip.Family.OPENAI, openAiClip(), "x").tensors(), ModelConfig.HeadCount.CLIP_RULE));
        assertTrue(e.getMessage().contains("text tower") && e.getMessage().contains("width " + TEXT_WIDTH),
                e.getMessage());
    }

    @Test
    void vifiTrainingCheckpointMapsStraightFromDisk() throws IOException {
        Map<String, StoredTensor> original = vifiClip();
        TorchSaveWriter w = new TorchSaveWriter();
        Map<String, Object> stateDict = new LinkedHashMap<>();
        for (Map.Entry<String, StoredTensor> e : original.entrySet()) {
            ByteBuffer data = e.getValue().data().duplicate();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            stateDict.put(e.getKey(), w.contiguous(DType.F32, e.getValue().shape(), bytes));
        }
        Map<String, Object> checkpoint = new LinkedHashMap<>();
        checkpoint.put("model", new StateDict(stateDict));
        checkpoint.put("epoch", 10L);
        checkpoint.put("max_accuracy", 0.5);
        Path file = dir.resolve("vifi_clip_10_epochs_k400_full_finetuned.pth");
        w.write(file, checkpoint);

        Mapped expected = KeyMapping.toHf(Clip.Family.VIFI, original, "memory");
        try (PytorchCheckpoint opened = PytorchCheckpoint.open(file)) {
            Mapped fromDisk = KeyMapping.toHf(opened, LAYOUTS);
            assertEquals(Clip.Family.VIFI, fromDisk.layout());
            assertEquals(List.copyOf(expected.tensors().keySet()), List.copyOf(fromDisk.tensors().keySet()));
            for (StoredTensor tensor : expected.tensors().values()) {
                assertSameTensor(tensor, fromDisk.tensors().get(tensor.name()));
            }
        }
    }
}
