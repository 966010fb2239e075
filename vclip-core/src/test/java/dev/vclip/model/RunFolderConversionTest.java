package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vclip.weights.pytorch.MappedCheckpoint;
import dev.vclip.weights.OriginalLayout;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.Tensors;
import dev.vclip.weights.Torch;
import dev.vclip.weights.WeightsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vclip convert} of original CLIP4Clip / CenterCLIP run folders: one of their configurations at a time, and
 * the parameters a checkpoint lacks filled from the CLIP it started from ({@code --base}), as CLIP4Clip's
 * {@code from_pretrained} fills them.
 */
class RunFolderConversionTest {

    private static final Path CLIP4CLIP = OriginalLayout.fixtureFolder("clip4clip-tiny-a");
    private static final Path CENTERCLIP = OriginalLayout.fixtureFolder("centerclip-tiny-a");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "CLIP4Clip configuration \"{0}\": the converted folder computes what the run folder does")
    @ValueSource(strings = {"", "seqTransf", "seqLSTM", "tightTransf"})
    void aConfigurationOfARunFolderConvertsToAFolderWithTheSameOutputs(String configuration) {
        Path out = dir.resolve("converted");
        ModelConversion.Result r = ModelConversion.convert(ModelConversion.Options.of(CLIP4CLIP, out)
                .withConfiguration(configuration));
        assertEquals("CLIP4CLIP", r.layout());
        assertEquals(configuration, r.configuration());
        assertEquals(Map.of(), r.filled());
        assertFalse(r.unused().isEmpty(), "the other headers' tensors are not written");
        try (VideoTextModel original = ModelFolder.load(CLIP4CLIP, configuration, w -> { });
             VideoTextModel converted = ModelFolder.load(out, w -> { });
             SafeTensors caseFile = SafeTensors.open(CLIP4CLIP.resolve("case.safetensors"));
             NDManager manager = Torch.newManager()) {
            assertEquals("clip4clip", converted.config().modelType());
            assertEquals(original.config(), converted.config());
            assertEquals(original.weights().arrays().keySet(), converted.weights().arrays().keySet());
            Map<String, NDArray> in = new LinkedHashMap<>();
            for (String name : List.of("input_ids", "video", "video_mask")) {
                in.put(name, Tensors.toNDArray(caseFile.get(name), manager));
            }
            Map<String, NDArray> expected = outputs(original, in);
            Map<String, NDArray> got = outputs(converted, in);
            assertEquals(Set.of("text_features", "sim_logits"), expected.keySet());
            for (String name : expected.keySet()) {
                assertArrayEquals(expected.get(name).toFloatArray(), got.get(name).toFloatArray(), 0f, name);
            }
            // and the reference of the original code, for the header converted
            String header = configuration.isEmpty() ? "meanP" : configuration;
            assertArrayEquals(caseFile.get(header + "/sim_logits").toFloatArray(), got.get("sim_logits").toFloatArray(),
                    1e-3f, header);
        }
    }

    private static Map<String, NDArray> outputs(VideoTextModel model, Map<String, NDArray> in) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        model.family().computeReference(model, in, Trace.NONE, out);
        return out;
    }

    @Test
    void anUnknownConfigurationIsRefusedNamingTheOnesTheFolderDescribes() {
        ModelFolder.NoSuchConfiguration e = assertThrows(ModelFolder.NoSuchConfiguration.class,
                () -> ModelConversion.convert(ModelConversion.Options.of(CLIP4CLIP, dir.resolve("x"))
                        .withConfiguration("seqTransformer")));
        assertEquals(List.of("meanP", "seqLSTM", "seqTransf", "tightTransf", ""), e.names());
        assertTrue(e.getMessage().contains("no configuration 'seqTransformer'") && e.getMessage().contains("seqTransf"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("x")));
        assertEquals(Set.of("meanP", "seqLSTM", "seqTransf", "tightTransf", ""),
                ModelConversion.configurations(CLIP4CLIP));
    }

    @Test
    void aCenterClipRunFolderWithItsOptimiserStateConverts() {
        for (String configuration : List.of("", "kmedoids_p1")) {
            Path out = dir.resolve("centerclip-" + configuration);
            ModelConversion.Result r = ModelConversion.convert(ModelConversion.Options.of(CENTERCLIP, out)
                    .withConfiguration(configuration));
            assertEquals(List.of("module.clip.visual.position_ids"), r.dropped());
            assertEquals(List.of(), r.unmapped());
            assertEquals(List.of(), r.unused());
            try (VideoTextModel original = ModelFolder.load(CENTERCLIP, configuration, w -> { });
                 VideoTextModel converted = ModelFolder.load(out, w -> { })) {
                assertEquals(original.config(), converted.config());
                for (Map.Entry<String, NDArray> e : original.weights().arrays().entrySet()) {
                    assertArrayEquals(e.getValue().toFloatArray(),
                            converted.weights().get(e.getKey()).toFloatArray(), 0f, e.getKey());
                }
            }
        }
        // the clustering travels in config.json: the converted kmedoids_p1 folder clusters as the original code did
        try (VideoTextModel converted = ModelFolder.load(dir.resolve("centerclip-kmedoids_p1"), w -> { });
             SafeTensors caseFile = SafeTensors.open(CENTERCLIP.resolve("case.safetensors"));
             NDManager manager = Torch.newManager()) {
            assertTrue(((Clip4Clip) converted).tokenClustering().isPresent(), "token_clustering written");
            Map<String, NDArray> in = new LinkedHashMap<>();
            for (String name : List.of("input_ids", "video", "video_mask")) {
                in.put(name, Tensors.toNDArray(caseFile.get(name), manager));
            }
            assertArrayEquals(caseFile.get("kmedoids_p1/sim_logits").toFloatArray(),
                    outputs(converted, in).get("sim_logits").toFloatArray(), 1e-3f, "kmedoids_p1/sim_logits");
        }
    }

    // ------------------------------------------------------------------------------------------------ --base

    /** The fixture's original tensor names this test removes, and what the converted model calls them. */
    private static final Set<String> REMOVED = Set.of("clip.logit_scale", "clip.visual.ln_post.weight",
            "clip.visual.ln_post.bias", "clip.transformer.resblocks.0.mlp.c_proj.weight",
            "clip.transformer.resblocks.0.mlp.c_proj.bias", "frame_position_embeddings.weight");

    /** A copy of the CLIP4Clip run folder whose checkpoint lacks {@link #REMOVED} and every transformerClip tensor. */
    private Path runFolderWithGaps() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.copy(CLIP4CLIP.resolve("config.json"), run.resolve("config.json"));
        Files.copy(CLIP4CLIP.resolve("cross_config.json"), run.resolve("cross_config.json"));
        Map<String, StoredTensor> tensors = OriginalLayout.readCheckpoint(CLIP4CLIP.resolve("pytorch_model.bin"));
        tensors.keySet().removeIf(n -> REMOVED.contains(n) || n.startsWith("transformerClip."));
        OriginalLayout.writeStateDict(run.resolve("pytorch_model.bin.2"), tensors);
        return run;
    }

    /**
     * The CLIP the run started from, as OpenAI saves one: the checkpoint's own {@code clip.*} tensors without the
     * prefix (what the fixture's generator gave CLIP4Clip as its pretrained CLIP), {@code edit} applied.
     */
    private Path baseClip(String name, java.util.function.Consumer<Map<String, StoredTensor>> edit) throws IOException {
        Map<String, StoredTensor> clip = new LinkedHashMap<>();
        OriginalLayout.readCheckpoint(CLIP4CLIP.resolve("pytorch_model.bin")).forEach((n, t) -> {
            if (n.startsWith("clip.")) {
                String bare = n.substring("clip.".length());
                clip.put(bare, new StoredTensor(bare, t.dtype(), t.shape(), t.data()));
            }
        });
        edit.accept(clip);
        return OriginalLayout.writeStateDict(dir.resolve(name), clip);
    }

    @Test
    void withoutABaseTheMissingParametersAreNamed() throws IOException {
        Path run = runFolderWithGaps();
        WeightsException e = assertThrows(WeightsException.class, () -> ModelConversion.convert(
                ModelConversion.Options.of(run, dir.resolve("out")).withConfiguration("seqTransf")));
        String m = e.getMessage();
        for (String name : List.of("logit_scale", "vision_model.post_layernorm.weight",
                "text_model.encoder.layers.0.mlp.fc2.bias", "frame_position_embeddings.weight",
                "transformerClip.layers.0.self_attn.q_proj.weight", "transformerClip.layers.0.layer_norm2.bias")) {
            assertTrue(m.contains(name), name + " in: " + m);
        }
        assertTrue(m.contains("lacks 22 parameter(s)") && m.contains("--base"), m);
        assertFalse(Files.exists(dir.resolve("out")));

        // a tensor the sizes are read off: named, and --base suggested (CLIP4Clip reads them off its CLIP)
        Map<String, StoredTensor> tensors = OriginalLayout.readCheckpoint(run.resolve("pytorch_model.bin.2"));
        tensors.remove("clip.ln_final.weight");
        OriginalLayout.writeStateDict(run.resolve("pytorch_model.bin.3"), tensors);
        ConfigException sizes = assertThrows(ConfigException.class, () -> ModelConversion.convert(
                ModelConversion.Options.of(run, dir.resolve("out")).withConfiguration("seqTransf")));
        assertTrue(sizes.getMessage().contains("no tensor 'text_model.final_layer_norm.weight'")
                && sizes.getMessage().contains("--base"), sizes.getMessage());
    }

    @Test
    void aBaseClipFillsWhatTheCheckpointLacksAsFromPretrainedDoes() throws IOException {
        Path run = runFolderWithGaps();
        Path base = baseClip("vit-tiny.pt", clip -> { });
        Path out = dir.resolve("filled");
        ModelConversion.Result r = ModelConversion.convert(ModelConversion.Options.of(run, out)
                .withConfiguration("seqTransf").withBase(base));

        Map<String, String> expected = new LinkedHashMap<>();
        for (String clipName : List.of("logit_scale", "vision_model.post_layernorm.weight",
                "vision_model.post_layernorm.bias", "text_model.encoder.layers.0.mlp.fc2.weight",
                "text_model.encoder.layers.0.mlp.fc2.bias")) {
            expected.put(clipName, clipName);
        }
        expected.put("frame_position_embeddings.weight", "text_model.embeddings.position_embedding.weight");
        for (String leaf : List.of("self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
                "self_attn.q_proj.bias", "self_attn.k_proj.bias", "self_attn.v_proj.bias", "self_attn.out_proj.weight",
                "self_attn.out_proj.bias", "layer_norm1.weight", "layer_norm1.bias", "mlp.fc1.weight", "mlp.fc1.bias",
                "mlp.fc2.weight", "mlp.fc2.bias", "layer_norm2.weight", "layer_norm2.bias")) {
            expected.put("transformerClip.layers.0." + leaf, "text_model.encoder.layers.0." + leaf);
        }
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(r.filled().keySet()));
        assertEquals(expected.size(), r.filled().size());
        r.filled().forEach((key, from) -> assertEquals(expected.get(key), from, key));

        // every filled tensor is the base's, bit for bit
        try (MappedCheckpoint clip = MappedCheckpoint.open(base, ModelFamilies.checkpointLayouts());
             SafeTensors written = SafeTensors.open(r.weightsFile())) {
            assertEquals("OPENAI_CLIP", clip.mapping().layout().name());
            for (Map.Entry<String, String> e : r.filled().entrySet()) {
                assertArrayEquals(clip.get(e.getValue()).toFloatArray(), written.get(e.getKey()).toFloatArray(), 0f,
                        e.getKey());
            }
        }
        String provenance = Files.readString(out.resolve("conversion.json"));
        assertTrue(provenance.contains("\"frame_position_embeddings.weight\" : "
                + "\"text_model.embeddings.position_embedding.weight\""), provenance);
        try (VideoTextModel model = ModelFolder.load(out, w -> { })) {
            assertEquals(Clip4Clip.SimHeader.seqTransf, ((Clip4Clip) model).simHeader());
        }

        // the CLIP towers filled from the CLIP they came from: meanP computes exactly what the complete run does
        Path meanP = dir.resolve("meanP");
        ModelConversion.convert(ModelConversion.Options.of(run, meanP).withBase(base));
        try (VideoTextModel original = ModelFolder.load(CLIP4CLIP, "meanP", w -> { });
             VideoTextModel filled = ModelFolder.load(meanP, w -> { })) {
            for (Map.Entry<String, NDArray> e : original.weights().arrays().entrySet()) {
                assertArrayEquals(e.getValue().toFloatArray(), filled.weights().get(e.getKey()).toFloatArray(), 0f,
                        e.getKey());
            }
        }
    }

    @Test
    void aBaseOfAnotherShapeOrWithoutASourceIsRefusedNamingKeyAndShapes() throws IOException {
        Path run = runFolderWithGaps();
        // a CLIP with a shorter text context: its positional_embedding cannot become the frame position embeddings
        Path shorter = baseClip("short-context.pt", clip -> {
            StoredTensor p = clip.get("positional_embedding");
            long[] shape = p.shape();
            int rowBytes = (int) (p.byteSize() / shape[0]);
            ByteBuffer half = ByteBuffer.allocate(rowBytes * 8).order(ByteOrder.LITTLE_ENDIAN);
            half.put(p.data().duplicate().limit(rowBytes * 8)).flip();
            clip.put("positional_embedding", new StoredTensor("positional_embedding", p.dtype(),
                    new long[]{8, shape[1]}, half));
        });
        WeightsException e = assertThrows(WeightsException.class, () -> ModelConversion.convert(
                ModelConversion.Options.of(run, dir.resolve("bad")).withConfiguration("seqTransf").withBase(shorter)));
        assertTrue(e.getMessage().contains("'frame_position_embeddings.weight' has shape [16, 128]")
                && e.getMessage().contains("'text_model.embeddings.position_embedding.weight' has shape [8, 128]"),
                e.getMessage());

        // seqLSTM's LSTM has no CLIP source: the original initialises it at random
        Path noLstm = Files.createDirectories(dir.resolve("no-lstm"));
        Files.copy(CLIP4CLIP.resolve("config.json"), noLstm.resolve("config.json"));
        Map<String, StoredTensor> tensors = OriginalLayout.readCheckpoint(CLIP4CLIP.resolve("pytorch_model.bin"));
        tensors.keySet().removeIf(n -> n.startsWith("lstm_visual."));
        OriginalLayout.writeStateDict(noLstm.resolve("pytorch_model.bin"), tensors);
        Path base = baseClip("vit-tiny.pt", clip -> { });
        WeightsException lstm = assertThrows(WeightsException.class, () -> ModelConversion.convert(
                ModelConversion.Options.of(noLstm, dir.resolve("lstm")).withConfiguration("seqLSTM").withBase(base)));
        assertTrue(lstm.getMessage().contains("'lstm_visual.weight_ih_l0'")
                && lstm.getMessage().contains("no tensor of a base fills it"), lstm.getMessage());
    }
}
