package dev.vclip.verify;

import dev.vclip.TestResources;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.weights.DType;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vclip verify}'s checker: parity with HF transformers on the golden fixtures, and what it says otherwise. */
class ReferenceCheckTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} matches the reference on every fixture tensor")
    @ValueSource(strings = {"xclip-tiny-a", "clip-tiny-a"})
    void modelMatchesReferenceOnEveryFixtureTensor(String name) {
        Path folder = TestResources.path("models/" + name);
        try (VideoTextModel model = ModelFolder.load(folder);
             SafeTensors caseFile = SafeTensors.open(folder.resolve("case.safetensors"))) {
            ReferenceCheck.Report report = ReferenceCheck.run(model, caseFile);
            String lines = report.results().stream().map(Object::toString).collect(Collectors.joining("\n"));
            System.out.println(name + ":\n" + lines);
            assertEquals(0, report.failed(), lines);
            long expectedOutputs = caseFile.names().stream().filter(n -> !ReferenceCheck.INPUTS.contains(n)).count();
            assertEquals(expectedOutputs + " passed, 0 failed", report.summary(),
                    "every stored output is computed and compared:\n" + lines);
        }
    }

    /**
     * An original run folder with several configurations: {@code header/leaf} names are checked with that header's
     * model, unprefixed ones with the folder's own; the per-tensor max diffs are printed.
     */
    @Test
    void everyConfigurationOfARunFolderMatchesItsPrefixedOutputs() {
        Path folder = TestResources.path("models/clip4clip-tiny-a");
        Path caseFile = folder.resolve("case.safetensors");
        ReferenceCheck.Report report = ReferenceCheck.run(folder, caseFile);
        String lines = report.results().stream().map(Object::toString).collect(Collectors.joining("\n"));
        System.out.println("clip4clip-tiny-a:\n" + lines);
        assertEquals("24 passed, 0 failed", report.summary(), lines);
        Map<String, ReferenceCheck.Result> results = new LinkedHashMap<>();
        report.results().forEach(r -> results.put(r.name(), r));
        for (String header : List.of("meanP", "seqLSTM", "seqTransf", "tightTransf")) {
            ReferenceCheck.Result logits = results.get(header + "/sim_logits");
            assertEquals(ReferenceCheck.LOGIT_TOLERANCE, logits.tolerance(), logits.toString());
        }
        assertEquals(ReferenceCheck.TOLERANCE, results.get("meanP/video_embeds").tolerance());
        assertEquals(0, results.get("eot_index").tolerance(), "integers exact");
        assertTrue(results.containsKey("sequence_output") && !results.containsKey("video_mask"),
                "unprefixed outputs checked, video inputs passed in: " + results.keySet());
    }

    /**
     * CenterCLIP's run folder: the plain configuration and three clustering ones (k-medoids p 1 and 2, spectral);
     * the medoid indices and assignments are integers and must match exactly.
     */
    @Test
    void everyClusteringConfigurationMatchesItsPrefixedOutputs() {
        Path folder = TestResources.path("models/centerclip-tiny-a");
        Path caseFile = folder.resolve("case.safetensors");
        assertEquals(List.of("", "kmedoids_p1", "kmedoids_p2", "spectral"), List.copyOf(ModelFolder.configs(folder).keySet()));
        ReferenceCheck.Report report = ReferenceCheck.run(folder, caseFile);
        String lines = report.results().stream().map(Object::toString).collect(Collectors.joining("\n"));
        System.out.println("centerclip-tiny-a:\n" + lines);
        long outputs;
        try (SafeTensors reference = SafeTensors.open(caseFile)) {
            outputs = reference.names().stream().filter(n -> !ReferenceCheck.INPUTS.contains(n)).count();
        }
        assertEquals(outputs + " passed, 0 failed", report.summary(), lines);
        Map<String, ReferenceCheck.Result> results = new LinkedHashMap<>();
        report.results().forEach(r -> results.put(r.name(), r));
        for (String name : List.of("kmedoids_p1/medoid_index", "kmedoids_p1/assignment", "spectral/cluster_output",
                "spectral/laplacian_eigenvalues")) {
            assertTrue(results.containsKey(name), name + " checked: " + results.keySet());
        }
        assertEquals(0, results.get("kmedoids_p1/medoid_index").tolerance(), "integers exact");
    }

    @Test
    void aPrefixWithoutItsConfigurationFailsEveryTensorOfTheGroup() {
        Path folder = TestResources.path("models/clip4clip-tiny-a");
        Path caseCopy = dir.resolve("case.safetensors");
        try (SafeTensors reference = SafeTensors.open(folder.resolve("case.safetensors"))) {
            StoredTensor logits = reference.get("meanP/sim_logits");
            SafeTensors.write(caseCopy, List.of(reference.get("input_ids"), reference.get("video"),
                    reference.get("video_mask"), logits,
                    new StoredTensor("spectral/sim_logits", logits.dtype(), logits.shape(), logits.data()),
                    new StoredTensor("spectral/video_embeds", DType.F32, new long[]{1}, f32one())), Map.of());
        }
        ReferenceCheck.Report report = ReferenceCheck.run(folder, caseCopy);
        String lines = report.results().stream().map(Object::toString).collect(Collectors.joining("\n"));
        assertEquals("1 passed, 2 failed", report.summary(), lines);
        for (ReferenceCheck.Result r : report.failures()) {
            assertTrue(r.name().startsWith("spectral/") && r.note().contains("no configuration 'spectral'")
                    && r.note().contains("meanP, seqLSTM, seqTransf, tightTransf"), r.toString());
        }
        try (VideoTextModel model = ModelFolder.load(folder); SafeTensors caseFile = SafeTensors.open(caseCopy)) {
            assertEquals("0 passed, 3 failed", ReferenceCheck.run(model, caseFile).summary(),
                    "one loaded model has no named configurations");
        }
    }

    @Test
    void statusesTellWrongValuesMissingInputsAndUnknownNamesApart() {
        Path folder = TestResources.path("models/clip-tiny-a");
        Path caseCopy = dir.resolve("case.safetensors");
        try (SafeTensors reference = SafeTensors.open(folder.resolve("case.safetensors"))) {
            StoredTensor frames = reference.get("video_frame_features");
            float[] pooled = reference.get("video_embeds_meanpool").toFloatArray();
            pooled[5] += 0.01f;
            SafeTensors.write(caseCopy, List.of(reference.get("pixel_values_video"), frames,
                    f32("video_embeds_meanpool", reference.get("video_embeds_meanpool").shape(), pooled),
                    f32("image_features", new long[]{1}, new float[]{0}),
                    f32("logits_per_image", new long[]{1}, new float[]{0}),
                    f32("not_an_output", new long[]{1}, new float[]{0})), Map.of());
        }
        try (VideoTextModel model = ModelFolder.load(folder); SafeTensors caseFile = SafeTensors.open(caseCopy)) {
            Map<String, ReferenceCheck.Result> results = new LinkedHashMap<>();
            ReferenceCheck.Report report = ReferenceCheck.run(model, caseFile);
            report.results().forEach(r -> results.put(r.name(), r));
            assertEquals("1 passed, 3 failed", report.summary(), "the unknown name is not counted");
            assertEquals(ReferenceCheck.Status.PASS, results.get("video_frame_features").status());
            ReferenceCheck.Result off = results.get("video_embeds_meanpool");
            assertEquals(ReferenceCheck.Status.FAIL, off.status(), off.toString());
            assertEquals(0.01, off.maxAbsDiff(), 1e-3, off.toString());
            assertEquals(ReferenceCheck.Status.NOT_COMPUTED, results.get("image_features").status(),
                    "a known output without its input, pixel_values");
            assertEquals(ReferenceCheck.Status.NOT_COMPUTED, results.get("logits_per_image").status());
            ReferenceCheck.Result unknown = results.get("not_an_output");
            assertEquals(ReferenceCheck.Status.UNKNOWN_NAME, unknown.status());
            assertTrue(!unknown.failed() && Double.isNaN(unknown.maxAbsDiff()), unknown.toString());
            assertEquals(5, results.size(), results.keySet().toString());
        }
    }

    private static ByteBuffer f32one() {
        return ByteBuffer.allocateDirect(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 1f);
    }

    private static StoredTensor f32(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        b.flip();
        return new StoredTensor(name, DType.F32, shape, b);
    }
}
