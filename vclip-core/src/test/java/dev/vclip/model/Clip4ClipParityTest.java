package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.Tensors;
import dev.vclip.weights.Torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Clip4ClipParityTest {

    @Test
    void everyHeaderMatchesTheReference() {
        Path dir = dev.vclip.TestResources.path("models/clip4clip-tiny-a");
        assertEquals(java.util.List.of("meanP", "seqLSTM", "seqTransf", "tightTransf", ""),
                java.util.List.copyOf(ModelFolder.configs(dir).keySet()));
        check(dir);
    }

    @Test
    void everyClusteringCaseMatchesTheReference() {
        Path dir = dev.vclip.TestResources.path("models/centerclip-tiny-a");
        assertEquals(java.util.List.of("", "kmedoids_p1", "kmedoids_p2", "spectral"),
                java.util.List.copyOf(ModelFolder.configs(dir).keySet()));
        check(dir);
    }

    private static void check(Path dir) {
        Map<String, ModelConfig> configs = ModelFolder.configs(dir);
        StringBuilder report = new StringBuilder();
        boolean ok = true;
        try (SafeTensors caseFile = SafeTensors.open(dir.resolve("case.safetensors"))) {
            for (String group : configs.keySet()) {
                try (VideoTextModel model = ModelFolder.load(dir, group, w -> { });
                     NDManager manager = Torch.newManager()) {
                    Map<String, NDArray> in = new LinkedHashMap<>();
                    for (String name : new String[]{"input_ids", "attention_mask", "video", "video_mask"}) {
                        in.put(name, Tensors.toNDArray(caseFile.get(name), manager));
                    }
                    Map<String, NDArray> out = new LinkedHashMap<>();
                    try (Trace trace = Trace.recording(manager)) {
                        model.family().computeReference(model, in, trace, out);
                        trace.values().forEach(out::putIfAbsent);
                        for (String name : caseFile.names()) {
                            if (in.containsKey(name)) continue;
                            String prefix = name.contains("/") ? name.substring(0, name.indexOf('/')) : "";
                            if (!prefix.equals(group)) continue;
                            String leaf = name.substring(name.indexOf('/') + 1);
                            StoredTensor expected = caseFile.get(name);
                            NDArray got = out.get(leaf);
                            if (got == null) { ok = false; report.append("MISSING ").append(name).append('\n'); continue; }
                            float[] e = expected.dtype().isFloating() ? expected.toFloatArray() : toFloat(expected.toLongArray());
                            float[] g = got.toType(DataType.FLOAT32, false).toFloatArray();
                            double max = 0;
                            if (e.length != g.length) { ok = false; report.append("SHAPE ").append(name).append(got.getShape()).append('\n'); continue; }
                            for (int i = 0; i < e.length; i++) max = Math.max(max, Math.abs(e[i] - g[i]));
                            double tol = !expected.dtype().isFloating() ? 0 : leaf.contains("logits") ? 1e-3 : 1e-4;
                            if (!(max <= tol)) ok = false;
                            report.append(String.format("%-28s %.3e%s%n", name, max, max <= tol ? "" : "  FAIL"));
                        }
                    }
                }
            }
        }
        System.out.println(report);
        assertTrue(ok, report.toString());
    }

    private static float[] toFloat(long[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = v[i];
        return f;
    }
}
