package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.Torch;
import dev.vclip.weights.WeightsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelLoadingTest {

    @TempDir
    Path dir;

    private static final Path XCLIP = ReferenceParityTest.fixture("xclip-tiny-a");

    /** Copies the X-CLIP fixture with one tensor dropped and one replaced by a tensor of another shape. */
    private Path brokenCopy(String drop, String reshape) throws IOException {
        Files.copy(XCLIP.resolve("config.json"), dir.resolve("config.json"));
        List<StoredTensor> kept = new ArrayList<>();
        try (SafeTensors st = SafeTensors.open(XCLIP.resolve("model.safetensors"))) {
            for (String name : st.names()) {
                if (name.equals(drop)) {
                    continue;
                }
                StoredTensor t = st.get(name);
                if (name.equals(reshape)) {
                    ByteBuffer data = ByteBuffer.allocateDirect(3 * 4).order(ByteOrder.LITTLE_ENDIAN);
                    t = new StoredTensor(name, t.dtype(), new long[]{3}, data);
                }
                kept.add(copy(t));
            }
        }
        SafeTensors.write(dir.resolve("model.safetensors"), kept, Map.of("format", "pt"));
        return dir;
    }

    private static StoredTensor copy(StoredTensor t) {
        ByteBuffer data = ByteBuffer.allocateDirect((int) t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        data.put(t.data().duplicate()).flip();
        return new StoredTensor(t.name(), t.dtype(), t.shape(), data);
    }

    @Test
    void aMissingTensorAndAWrongShapeAreNamedWithBothShapes() throws IOException {
        Path folder = brokenCopy("mit.position_embedding", "prompts_generator.alpha");
        WeightsException e = assertThrows(WeightsException.class, () -> XClip.load(folder).close());
        String m = e.getMessage();
        assertTrue(m.contains("missing tensor 'mit.position_embedding' (expected shape [1, 4, 32])"), m);
        assertTrue(m.contains("tensor 'prompts_generator.alpha' has shape [3] in the file but the config expects [32]"), m);
    }

    @Test
    void unusedTensorsAreReportedAndPositionIdsIgnored() throws IOException {
        Files.copy(XCLIP.resolve("config.json"), dir.resolve("config.json"));
        List<StoredTensor> tensors = new ArrayList<>();
        try (SafeTensors st = SafeTensors.open(XCLIP.resolve("model.safetensors"))) {
            for (String name : st.names()) {
                tensors.add(copy(st.get(name)));
            }
        }
        ByteBuffer ids = ByteBuffer.allocateDirect(16 * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < 16; i++) {
            ids.putLong(i);
        }
        ids.flip();
        tensors.add(new StoredTensor("text_model.embeddings.position_ids", dev.vclip.weights.DType.I64, new long[]{1, 16}, ids));
        tensors.add(new StoredTensor("extra.head.weight", dev.vclip.weights.DType.F32, new long[]{1},
                ByteBuffer.allocateDirect(4)));
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of());
        List<String> warnings = new ArrayList<>();
        try (VideoTextModel model = ModelFolder.load(dir, warnings::add)) {
            assertEquals(XClip.class, model.getClass());
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("extra.head.weight") && !warnings.get(0).contains("position_ids"), warnings.get(0));
    }

    @Test
    void aFolderWithoutWeightsOrConfigIsExplained() throws IOException {
        ConfigException noConfig = assertThrows(ConfigException.class, () -> ModelFolder.load(dir).close());
        assertTrue(noConfig.getMessage().contains("config.json"), noConfig.getMessage());
        Files.copy(XCLIP.resolve("config.json"), dir.resolve("config.json"));
        WeightsException noWeights = assertThrows(WeightsException.class, () -> ModelFolder.load(dir).close());
        assertTrue(noWeights.getMessage().contains("no weights found"), noWeights.getMessage());
    }

    @Test
    void askingForAnotherFamilysClassFailsFromTheConfigBeforeAnyWeightIsRead() throws IOException {
        Path clipFolder = ReferenceParityTest.fixture("clip-tiny-a");
        ConfigException wrong = assertThrows(ConfigException.class, () -> XClip.load(clipFolder).close());
        String m = wrong.getMessage();
        assertTrue(m.startsWith(clipFolder.toString()) && m.contains("model_type 'clip'") && m.contains("not XClip")
                && m.contains("ModelFolder.load"), m);

        // a clip config.json with weights that cannot even be opened: the class check comes first
        Files.copy(clipFolder.resolve("config.json"), dir.resolve("config.json"));
        Files.writeString(dir.resolve("model.safetensors"), "not a safetensors file");
        ConfigException first = assertThrows(ConfigException.class, () -> XClip.load(dir).close());
        assertTrue(first.getMessage().contains("model_type 'clip'"), first.getMessage());
        assertThrows(WeightsException.class, () -> Clip.load(dir).close(), "the right class goes on to the weights");
    }

    @Test
    void forwardPassesLeaveNothingBehindInTheModelOrTheCallersManager() {
        try (XClip model = XClip.load(XCLIP); NDManager manager = Torch.newManager()) {
            int weightsBefore = model.weights().manager().getManagedArrays().size();
            NDArray pixels = manager.randomNormal(new Shape(1, 4, 3, 32, 32));
            NDArray ids = manager.create(new long[]{998, 5, 6, 999, 0}, new Shape(1, 5));
            NDArray mask = manager.create(new long[]{1, 1, 1, 1, 0}, new Shape(1, 5));
            for (int i = 0; i < 200; i++) {
                XClip.Output out = model.forward(ids, mask, pixels, Trace.NONE);
                NDArray features = model.videoFeatures(pixels);
                out.logitsPerVideo().close();
                out.logitsPerText().close();
                out.textEmbeds().close();
                out.videoEmbeds().close();
                features.close();
            }
            assertEquals(weightsBefore, model.weights().manager().getManagedArrays().size(),
                    "no intermediate is attached to the weights' manager");
            assertEquals(3, manager.getManagedArrays().size(), "only the inputs remain in the caller's manager");
        }
    }

    @Test
    void fullSizeXClipBase32RunsOnAnEightFrameClip() {
        ObjectNode json = new ObjectMapper().createObjectNode().put("model_type", "xclip");
        ModelConfig config = ModelConfig.fromJson("defaults", json, w -> { });
        assertEquals(8, config.familyConfig(XClip.Config.class).numFrames());
        assertEquals(32, config.vision().patchSize());
        try (VideoTextModel model = ModelFolder.random(config, 7); NDManager manager = Torch.newManager()) {
            long params = model.weights().parameterCount();
            assertTrue(params > 100_000_000L && params < 200_000_000L, "X-CLIP B/32 has ~130M parameters: " + params);
            NDArray clip = manager.randomNormal(new Shape(1, 8, 3, 224, 224));
            NDArray features = model.videoFeatures(clip);
            assertArrayEquals(new long[]{1, 512}, features.getShape().getShape());
            for (float f : features.toFloatArray()) {
                assertTrue(Float.isFinite(f));
            }
            NDArray texts = model.textFeatures(List.of("a person juggling", "a red circle moving left"), manager);
            assertArrayEquals(new long[]{2, 512}, texts.getShape().getShape());
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "X-CLIP with patch {0}, {1} frames runs")
    @org.junit.jupiter.params.provider.CsvSource({"14, 16", "16, 32", "32, 8"})
    void everyPatchSizeAndFrameCountWorks(int patch, int frames) throws Exception {
        String json = "{\"model_type\":\"xclip\",\"projection_dim\":16,\"prompt_num_attention_heads\":2,"
                + "\"text_config\":{\"vocab_size\":50000,\"hidden_size\":32,\"intermediate_size\":64,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":2},"
                + "\"vision_config\":{\"hidden_size\":32,\"intermediate_size\":64,\"num_hidden_layers\":2,"
                + "\"num_attention_heads\":2,\"patch_size\":" + patch + ",\"image_size\":" + (patch * 3)
                + ",\"num_frames\":" + frames + ",\"mit_hidden_size\":16,\"mit_intermediate_size\":32,"
                + "\"mit_num_attention_heads\":2}}";
        ModelConfig config = ModelConfig.fromJson("test", (ObjectNode) new ObjectMapper().readTree(json), w -> { });
        try (XClip model = (XClip) ModelFolder.random(config, 3); NDManager manager = Torch.newManager()) {
            NDArray video = manager.randomNormal(new Shape(2, frames, 3, patch * 3, patch * 3));
            NDArray[] text = TextBatch.encode(model.tokenizer(), List.of("a cat", "a red circle moving left"), 77,
                    50000, manager);
            XClip.Output out = model.forward(text[0], text[1], video, Trace.NONE);
            assertArrayEquals(new long[]{2, 2}, out.logitsPerVideo().getShape().getShape());
            assertArrayEquals(new long[]{2, 2, 16}, out.textEmbeds().getShape().getShape());
            ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                    () -> model.videoFeatures(manager.zeros(new Shape(1, frames + 1, 3, patch * 3, patch * 3))));
            assertTrue(e.getMessage().contains("takes " + frames + " frames"), e.getMessage());
        }
    }
}
