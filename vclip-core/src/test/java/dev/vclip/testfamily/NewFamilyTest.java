package dev.vclip.testfamily;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.TestResources;
import dev.vclip.model.ConfigException;
import dev.vclip.model.ModelFamilies;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.ReferenceOutputs;
import dev.vclip.model.VideoEncoding;
import dev.vclip.model.VideoTextModel;
import dev.vclip.model.XClip;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.Tensors;
import dev.vclip.weights.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A family registered only in the test sources ({@link FramePoolingClip}: one file and one line in
 * META-INF/services) loads from a model folder, verifies against reference outputs and encodes videos through the
 * same library calls as the built-in families.
 */
class NewFamilyTest {

    @TempDir
    Path dir;

    /** clip-tiny-a's weights under a config.json of the test family. */
    private Path folder(String pooling) throws IOException {
        Path fixture = TestResources.path("models/clip-tiny-a");
        Path folder = Files.createDirectories(dir.resolve(pooling));
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(fixture.resolve("config.json").toFile());
        config.put("model_type", "frame_pooling_clip").put("frame_pooling", pooling);
        Files.writeString(folder.resolve("config.json"), config.toString());
        Files.copy(fixture.resolve("model.safetensors"), folder.resolve("model.safetensors"));
        return folder;
    }

    @Test
    void aFamilyRegisteredInTheTestSourcesLoadsVerifiesAndEncodes() throws IOException {
        assertTrue(ModelFamilies.modelTypes().contains("framepoolingclip"), ModelFamilies.modelTypes().toString());
        Path folder = folder("max");
        Path fixtureCase = TestResources.path("models/clip-tiny-a/case.safetensors");
        try (VideoTextModel model = ModelFolder.load(folder);
             SafeTensors reference = SafeTensors.open(fixtureCase);
             NDManager manager = Torch.newManager()) {
            assertInstanceOf(FramePoolingClip.class, model);
            assertEquals("CLIP with frame pooling (test family)", model.family().displayName());
            assertEquals(4, model.videoInput().frames());

            // expected outputs: HF's frame features, and their max over time normalised, computed here by hand
            StoredTensor frames = reference.get("video_frame_features"); // [2, 4, 32]
            float[] f = frames.toFloatArray();
            float[] pooled = new float[2 * 32];
            for (int v = 0; v < 2; v++) {
                double norm = 0;
                for (int p = 0; p < 32; p++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int t = 0; t < 4; t++) {
                        m = Math.max(m, f[(v * 4 + t) * 32 + p]);
                    }
                    pooled[v * 32 + p] = m;
                    norm += (double) m * m;
                }
                for (int p = 0; p < 32; p++) {
                    pooled[v * 32 + p] /= (float) Math.sqrt(norm);
                }
            }
            // reference outputs: the family computes both names (what vclip verify compares with a case file)
            NDArray videoInput = Tensors.toNDArray(reference.get("pixel_values_video"), manager);
            Map<String, NDArray> outputs = ReferenceOutputs.compute(model, Map.of("pixel_values_video", videoInput),
                    manager);
            assertEquals(List.of("video_frame_features", "video_embeds_pooled"), List.copyOf(outputs.keySet()));
            assertArrayEquals(f, outputs.get("video_frame_features").toFloatArray(), 1e-4f);
            assertArrayEquals(pooled, outputs.get("video_embeds_pooled").toFloatArray(), 1e-5f);

            // encodes and scores texts like any model
            try (VideoEncoding encoded = model.encodeVideos(videoInput)) {
                NDArray texts = manager.randomNormal(new Shape(3, 32)); // the tiny vocabulary cannot hold real words
                assertArrayEquals(new long[]{2, 3}, model.logits(encoded, texts).getShape().getShape());
                assertArrayEquals(pooled, encoded.features().toFloatArray(), 1e-5f);
            }
        }
    }

    @Test
    void itsOwnConfigKeysAreCheckedAndItsClassIsNamedWhenAnotherIsAskedFor() throws IOException {
        Path folder = folder("median");
        ConfigException bad = assertThrows(ConfigException.class, () -> ModelFolder.load(folder));
        assertTrue(bad.getMessage().contains("frame_pooling") && bad.getMessage().contains("median"), bad.getMessage());

        Path max = folder("max");
        ConfigException wrongClass = assertThrows(ConfigException.class, () -> ModelFolder.load(max, XClip.class));
        assertTrue(wrongClass.getMessage().contains("CLIP with frame pooling (test family)"), wrongClass.getMessage());
    }
}
