package dev.vclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vclip.weights.Torch;
import org.junit.jupiter.api.Test;

import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused kernels vclip writes as TorchScript: they load, and compute what the composed ops compute. */
class KernelsTest {

    @Test
    void fusedAttentionEqualsTheComposedOpsWithAndWithoutAMask() {
        assertTrue(Kernels.available(), "the TorchScript archive written by Kernels.archive loads in libtorch");
        try (NDManager m = Torch.newManager()) {
            m.getEngine().setRandomSeed(5);
            int heads = 4;
            NDArray q = m.randomNormal(new Shape(3, 7, 32));
            NDArray k = m.randomNormal(new Shape(3, 9, 32));
            NDArray v = m.randomNormal(new Shape(3, 9, 32));
            // causal-style additive mask with finfo.min entries, broadcast over heads (as CLIP's text tower passes)
            NDArray mask = m.zeros(new Shape(3, 1, 7, 9)).add(
                    m.randomUniform(0, 1, new Shape(3, 1, 7, 9)).gt(0.7).mul(-3.4028234663852886e38f));
            mask.set(new ai.djl.ndarray.index.NDIndex(":, :, :, 0"), 0f); // every query keeps one key
            for (NDArray additive : new NDArray[]{null, mask}) {
                NDArray fused = Layers.multiHeadAttention(q.duplicate(), k, v, heads, additive);
                NDArray composed;
                try (GradientCollector ignored = m.getEngine().newGradientCollector()) {
                    assertTrue(Layers.recordingGradients());
                    composed = Layers.multiHeadAttention(q.duplicate(), k, v, heads, additive); // the composed ops
                }
                assertEquals(new Shape(3, 7, 32), fused.getShape());
                float diff = fused.sub(composed).abs().max().getFloat();
                assertTrue(diff < 1e-5, (additive == null ? "no mask" : "mask") + ": max |diff| " + diff);
            }
        }
    }

    @Test
    void theArchiveIsATorchScriptZipOfSourceAndPickle() throws Exception {
        byte[] zip = Kernels.archive("Probe", "class Probe(Module):\n  pass\n");
        java.util.List<String> names = new java.util.ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertEquals(java.util.List.of("probe/data.pkl", "probe/code/__torch__.py", "probe/constants.pkl",
                "probe/version"), names);
    }
}
