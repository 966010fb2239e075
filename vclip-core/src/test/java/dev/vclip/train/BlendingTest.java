package dev.vclip.train;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** X-CLIP datasets/blending.py: one-hot with smoothing, mixup and cutmix on whole clips. */
class BlendingTest {

    @Test
    void oneHotWithLabelSmoothing() {
        float[][] t = Blending.oneHot(new int[]{2, 0}, 4, 0.1);
        assertArrayEquals(new float[]{0.025f, 0.025f, 0.925f, 0.025f}, t[0], 1e-7f); // off = 0.1/4, on = 1 - 0.1 + off
        assertEquals(0.925f, t[1][0], 1e-7f);
        assertArrayEquals(new float[]{0, 1, 0}, Blending.oneHot(new int[]{1}, 3, 0)[0]);
    }

    @Test
    void mixupMixesPixelsAndTargetsWithOneWeight() {
        int videos = 4;
        int per = 2 * 3 * 8 * 8;
        float[] pixels = new float[videos * per];
        for (int b = 0; b < videos; b++) {
            java.util.Arrays.fill(pixels, b * per, (b + 1) * per, b); // clip b is all b
        }
        float[][] targets = Blending.oneHot(new int[]{0, 1, 2, 3}, 4, 0);
        Blending.Mixed m = new Blending(0.8, 1.0, 0.0).apply(pixels, videos, 8, 8, targets, new Random(3));
        assertEquals("mixup", m.kind());
        for (int b = 0; b < videos; b++) {
            float sum = 0;
            for (float v : m.targets()[b]) {
                sum += v;
            }
            assertEquals(1, sum, 1e-6);
            // the clip's constant value is λ·b + (1 − λ)·b', and the target puts λ on b and 1 − λ on b'
            double expected = 0;
            for (int c = 0; c < 4; c++) {
                expected += m.targets()[b][c] * c;
            }
            assertEquals(expected, m.pixels()[b * per], 1e-5);
            assertEquals(m.pixels()[b * per], m.pixels()[(b + 1) * per - 1], 1e-6); // every frame, every pixel alike
        }
    }

    @Test
    void cutmixPastesOneBoxIntoEveryFrameAndWeighsTargetsByArea() {
        int videos = 3;
        int frames = 2;
        int h = 16;
        int w = 16;
        int per = frames * 3 * h * w;
        float[] pixels = new float[videos * per];
        for (int b = 0; b < videos; b++) {
            java.util.Arrays.fill(pixels, b * per, (b + 1) * per, b + 1);
        }
        float[][] targets = Blending.oneHot(new int[]{0, 1, 2}, 3, 0);
        Blending.Mixed m = new Blending(0.8, 1.0, 1.0).apply(pixels, videos, h, w, targets, new Random(11));
        assertEquals("cutmix", m.kind());
        for (int b = 0; b < videos; b++) {
            int pasted = 0;
            for (int p = 0; p < frames * 3; p++) {
                int inPlane = 0;
                for (int i = 0; i < h * w; i++) {
                    if (m.pixels()[b * per + p * h * w + i] != b + 1) {
                        inPlane++;
                    }
                }
                if (p == 0) {
                    pasted = inPlane;
                }
                assertEquals(pasted, inPlane, "every frame and channel gets the same box");
            }
            double kept = 1 - (double) pasted / (h * w);
            // a clip pasted onto itself keeps its value: its target then stays one-hot
            if (pasted > 0) {
                assertEquals(kept, m.targets()[b][b], 1e-6);
            }
        }
        assertTrue(m.lambda() >= 0 && m.lambda() <= 1);
    }

    @Test
    void betaDrawsHaveTheRightMean() {
        Random r = new Random(1);
        double sum = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            double x = Blending.beta(0.8, r);
            assertTrue(x >= 0 && x <= 1);
            sum += x;
        }
        assertEquals(0.5, sum / n, 0.01); // Beta(α, α) is symmetric about 1/2
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double x = Blending.gamma(2.5, r);
            sq += x;
        }
        assertEquals(2.5, sq / n, 0.05); // Gamma(k, 1) has mean k
    }
}
