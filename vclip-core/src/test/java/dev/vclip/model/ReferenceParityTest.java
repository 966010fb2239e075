package dev.vclip.model;

import dev.vclip.weights.SafeTensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parity with HF transformers on the golden fixtures (random weights), every stored tensor, intermediates included. */
class ReferenceParityTest {

    static Path fixture(String name) {
        return dev.vclip.TestResources.path("models/" + name);
    }

    @ParameterizedTest(name = "{0} matches the reference on every fixture tensor")
    @ValueSource(strings = {"xclip-tiny-a", "clip-tiny-a"})
    void modelMatchesReferenceOnEveryFixtureTensor(String name) {
        Path dir = fixture(name);
        try (VideoTextModel model = ModelFolder.load(dir);
             SafeTensors caseFile = SafeTensors.open(dir.resolve("case.safetensors"))) {
            List<ReferenceCheck.Result> results = ReferenceCheck.run(model, caseFile);
            String report = results.stream().map(Object::toString).collect(Collectors.joining("\n"));
            System.out.println(name + ":\n" + report);
            assertTrue(results.stream().noneMatch(ReferenceCheck.Result::failed), report);
            long expectedOutputs = caseFile.names().stream().filter(n -> !ReferenceCheck.INPUTS.contains(n)).count();
            assertEquals(expectedOutputs, results.stream().filter(r -> r.status() == ReferenceCheck.Status.PASS).count(),
                    "every stored output is computed and compared:\n" + report);
        }
    }

    @org.junit.jupiter.api.Test
    void scoringEncodedVideosGivesTheForwardLogits() {
        Path dir = fixture("xclip-tiny-a");
        try (XClip model = XClip.load(dir); SafeTensors caseFile = SafeTensors.open(dir.resolve("case.safetensors"));
             ai.djl.ndarray.NDManager manager = dev.vclip.weights.Torch.newManager()) {
            var ids = dev.vclip.weights.Tensors.toNDArray(caseFile.get("input_ids"), manager);
            var mask = dev.vclip.weights.Tensors.toNDArray(caseFile.get("attention_mask"), manager);
            var pixels = dev.vclip.weights.Tensors.toNDArray(caseFile.get("pixel_values"), manager);
            float[] forward = model.forward(ids, mask, pixels, Trace.NONE).logitsPerVideo().toFloatArray();
            try (VideoEncoding videos = model.encodeVideos(pixels)) {
                float[] scored = model.logits(videos, model.textFeatures(ids, mask)).toFloatArray();
                for (int i = 0; i < forward.length; i++) {
                    org.junit.jupiter.api.Assertions.assertEquals(forward[i], scored[i], 1e-5, "logit " + i);
                }
            }
        }
    }
}
