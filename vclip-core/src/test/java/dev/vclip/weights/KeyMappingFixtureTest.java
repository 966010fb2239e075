package dev.vclip.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFamilies;
import dev.vclip.model.ModelFamily;
import dev.vclip.model.XClip;
import dev.vclip.weights.KeyMapping.Mapped;
import dev.vclip.weights.TorchSaveWriter.StateDict;
import dev.vclip.weights.pytorch.PytorchCheckpoint;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The HF fixture models (shared/fixtures/{clip,xclip}-tiny-a, complete HF state dicts) taken back to the original
 * OpenAI CLIP / X-CLIP layout by an independent inverse written here, saved as torch.save archives, then read
 * and mapped forward again: every name and every byte must come back, and the inferred dimensions must match
 * the fixture's config.json.
 */
class KeyMappingFixtureTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} survives the trip to the original layout and back")
    @ValueSource(strings = {"xclip-tiny-a", "clip-tiny-a"})
    void originalCheckpointMapsBackToTheFixtureExactly(String fixture) throws IOException {
        Path folder = OriginalLayout.fixtureFolder(fixture);
        boolean xclip = fixture.startsWith("xclip");
        Map<String, StoredTensor> hf = OriginalLayout.readSafetensors(folder.resolve("model.safetensors"));

        TorchSaveWriter w = new TorchSaveWriter();
        Map<String, Object> checkpoint = new LinkedHashMap<>();
        checkpoint.put("model", new StateDict(OriginalLayout.toOriginal(hf, xclip, w)));
        checkpoint.put("epoch", 29L);
        Path file = dir.resolve(fixture + ".pth");
        w.write(file, xclip ? checkpoint : checkpoint.get("model"));

        try (PytorchCheckpoint opened = PytorchCheckpoint.open(file)) {
            Mapped mapped = KeyMapping.toHf(opened, ModelFamilies.checkpointLayouts());
            assertEquals(xclip ? "XCLIP_ORIGINAL" : "OPENAI_CLIP", mapped.layout().name());
            assertEquals(List.of(), mapped.unmapped());
            ModelFamily family = ModelFamilies.of(mapped);
            assertEquals(xclip ? "xclip" : "clip", family.modelType());
            assertEquals(new TreeSet<>(hf.keySet()), new TreeSet<>(mapped.tensors().keySet()));
            for (StoredTensor expected : hf.values()) {
                StoredTensor actual = mapped.tensors().get(expected.name());
                assertEquals(expected.dtype(), actual.dtype(), expected.name());
                assertArrayEquals(expected.shape(), actual.shape(), expected.name());
                assertArrayEquals(OriginalLayout.bytes(expected), OriginalLayout.bytes(actual), expected.name());
            }

            JsonNode config = new ObjectMapper().readTree(folder.resolve("config.json").toFile());
            JsonNode text = config.get("text_config");
            JsonNode vision = config.get("vision_config");
            // heads are not in the weights; these tiny widths are not multiples of 64, so give them
            ModelConfig dims = family.inferConfig(mapped.tensors(), (width, what) -> 1);
            assertEquals(List.of(), mapped.missing(family.parameterShapes(dims).keySet()));
            assertEquals(config.get("projection_dim").asInt(), dims.projectionDim());
            assertEquals(text.get("hidden_size").asInt(), dims.text().hiddenSize());
            assertEquals(text.get("num_hidden_layers").asInt(), dims.text().numHiddenLayers());
            assertEquals(text.get("intermediate_size").asInt(), dims.text().intermediateSize());
            assertEquals(text.get("max_position_embeddings").asInt(), dims.text().maxPositionEmbeddings());
            assertEquals(text.get("vocab_size").asInt(), dims.text().vocabSize());
            assertEquals(vision.get("hidden_size").asInt(), dims.vision().hiddenSize());
            assertEquals(vision.get("num_hidden_layers").asInt(), dims.vision().numHiddenLayers());
            assertEquals(vision.get("intermediate_size").asInt(), dims.vision().intermediateSize());
            assertEquals(vision.get("patch_size").asInt(), dims.vision().patchSize());
            assertEquals(vision.get("image_size").asInt(), dims.vision().imageSize());
            assertEquals(xclip, dims.familyConfig() instanceof XClip.Config);
            if (xclip) {
                XClip.Config video = dims.familyConfig(XClip.Config.class);
                assertEquals(vision.get("num_frames").asInt(), video.numFrames());
                assertEquals(vision.get("mit_hidden_size").asInt(), video.mitHiddenSize());
                assertEquals(vision.get("mit_num_hidden_layers").asInt(), video.mitNumHiddenLayers());
                assertEquals(vision.get("mit_intermediate_size").asInt(), video.mitIntermediateSize());
                assertEquals(config.get("prompt_layers").asInt(), video.promptLayers());
            }
            assertEquals(1, dims.text().numAttentionHeads(), "the head count given");
        }
        // the original names really are the original layout (spot checks of the inverse written above)
        assertEquals(Arrays.asList("visual.transformer.resblocks.1.message_attn.out_proj.bias", "mit.resblocks.0.ln_1.weight",
                        "transformer.resblocks.0.mlp.c_proj.weight"),
                Arrays.asList(OriginalLayout.originalName("vision_model.encoder.layers.1.message_attn.out_proj.bias", true),
                        OriginalLayout.originalName("mit.encoder.layers.0.layer_norm1.weight", true),
                        OriginalLayout.originalName("text_model.encoder.layers.0.mlp.fc2.weight", false)));
    }
}
