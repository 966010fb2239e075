package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.Tensors;
import dev.vclip.weights.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with HF transformers on the golden fixtures (random weights): {@link ReferenceOutputs} computes every stored
 * tensor, intermediates included. (The checker with tolerances and statuses, {@code vclip verify}, is
 * {@code dev.vclip.verify.ReferenceCheck} in vclip-cli, tested there on the same fixtures.)
 */
class ReferenceParityTest {

    static Path fixture(String name) {
        return dev.vclip.TestResources.path("models/" + name);
    }

    @ParameterizedTest(name = "{0} matches the reference on every fixture tensor")
    @ValueSource(strings = {"xclip-tiny-a", "clip-tiny-a"})
    void modelMatchesReferenceOnEveryFixtureTensor(String name) {
        Path dir = fixture(name);
        try (VideoTextModel model = ModelFolder.load(dir);
             SafeTensors caseFile = SafeTensors.open(dir.resolve("case.safetensors"));
             NDManager manager = Torch.newManager()) {
            Map<String, NDArray> inputs = new HashMap<>();
            ReferenceOutputs.INPUTS.stream().filter(caseFile.names()::contains)
                    .forEach(input -> inputs.put(input, Tensors.toNDArray(caseFile.get(input), manager)));
            Map<String, NDArray> computed = ReferenceOutputs.compute(model, inputs, manager);
            List<String> compared = new ArrayList<>();
            for (String output : caseFile.names()) {
                if (ReferenceOutputs.INPUTS.contains(output)) {
                    continue;
                }
                StoredTensor expected = caseFile.get(output);
                NDArray got = computed.get(output);
                assertTrue(got != null, output + " is not computed; computed: " + computed.keySet());
                assertArrayEquals(expected.shape(), got.getShape().getShape(), output + ": shape");
                float tolerance = output.startsWith("logits") ? 1e-3f : 1e-4f;
                assertArrayEquals(expected.toFloatArray(), got.toType(DataType.FLOAT32, false).toFloatArray(),
                        tolerance, output);
                assertTrue(model.family().referenceOutputs().contains(output), output + " is not a declared output");
                compared.add(output);
            }
            System.out.println(name + ": " + compared.size() + " tensors match: " + compared);
            assertTrue(compared.size() > 10, compared.toString());
        }
    }

    @Test
    void computedOutputsBelongToTheCallersManager() {
        Path dir = fixture("clip-tiny-a");
        try (VideoTextModel model = ModelFolder.load(dir);
             SafeTensors caseFile = SafeTensors.open(dir.resolve("case.safetensors"))) {
            Map<String, NDArray> computed;
            try (NDManager manager = Torch.newManager()) {
                NDArray video = Tensors.toNDArray(caseFile.get("pixel_values_video"), manager);
                computed = ReferenceOutputs.compute(model, Map.of("pixel_values_video", video), manager);
                assertEquals(List.of("video_frame_features", "video_embeds_meanpool"),
                        List.copyOf(computed.keySet()).subList(0, 2), "the family's outputs come first");
                computed.values().forEach(array -> assertTrue(array.getManager() == manager, array.getName()));
            }
            computed.values().forEach(array -> assertTrue(array.isReleased(), "closed with the caller's manager"));
        }
    }

    @Test
    void scoringEncodedVideosGivesTheForwardLogits() {
        Path dir = fixture("xclip-tiny-a");
        try (XClip model = XClip.load(dir); SafeTensors caseFile = SafeTensors.open(dir.resolve("case.safetensors"));
             NDManager manager = Torch.newManager()) {
            var ids = Tensors.toNDArray(caseFile.get("input_ids"), manager);
            var mask = Tensors.toNDArray(caseFile.get("attention_mask"), manager);
            var pixels = Tensors.toNDArray(caseFile.get("pixel_values"), manager);
            float[] forward = model.forward(ids, mask, pixels, Trace.NONE).logitsPerVideo().toFloatArray();
            try (VideoEncoding videos = model.encodeVideos(pixels)) {
                float[] scored = model.logits(videos, model.textFeatures(ids, mask)).toFloatArray();
                for (int i = 0; i < forward.length; i++) {
                    assertEquals(forward[i], scored[i], 1e-5, "logit " + i);
                }
            }
        }
    }
}
