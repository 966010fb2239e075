package dev.vclip.train;

import java.util.Random;

/**
 * Soft targets and mini-batch blending of X-CLIP {@code datasets/blending.py}: {@code one_hot} with label smoothing
 * ({@code BaseMiniBatchBlending}: off = smoothing / C, on = 1 − smoothing + off) and {@code CutmixMixupBlending}
 * (MViT style: with probability {@code switch_prob} CutMix, otherwise Mixup), applied to whole clips
 * {@code [B, T, 3, H, W]}: every frame of a clip gets the same box or the same mixing weight.
 *
 * <p>Randomness comes from a {@link Random} the caller seeds per micro-batch (torch's global RNG in the original),
 * so a run is reproducible and resumable.
 */
public final class Blending {

    /** Pixels (modified in place) and their soft targets. */
    public record Mixed(float[] pixels, float[][] targets, String kind, double lambda) {
    }

    private final double mixupAlpha;
    private final double cutmixAlpha;
    private final double switchProb;

    /**
     * @param mixupAlpha  AUG.MIXUP (Beta(α, α) of mixup)
     * @param cutmixAlpha AUG.CUTMIX (Beta(α, α) of cutmix)
     * @param switchProb  AUG.MIXUP_SWITCH_PROB (probability of cutmix)
     */
    public Blending(double mixupAlpha, double cutmixAlpha, double switchProb) {
        this.mixupAlpha = mixupAlpha;
        this.cutmixAlpha = cutmixAlpha;
        this.switchProb = switchProb;
    }

    /** blending.py {@code one_hot(label, num_classes, on_value, off_value)} with smoothing. */
    public static float[][] oneHot(int[] labels, int classes, double smoothing) {
        double off = smoothing / classes;
        double on = 1 - smoothing + off;
        float[][] out = new float[labels.length][classes];
        for (int i = 0; i < labels.length; i++) {
            java.util.Arrays.fill(out[i], (float) off);
            out[i][labels[i]] = (float) on;
        }
        return out;
    }

    /**
     * {@code CutmixMixupBlending.do_blending} on a batch of {@code videos} clips of {@code perVideo} floats each
     * ({@code frames·3·height·width}), frames {@code height×width}.
     */
    public Mixed apply(float[] pixels, int videos, int height, int width, float[][] targets, Random random) {
        if (random.nextDouble() < switchProb) {
            return cutmix(pixels, videos, height, width, targets, random);
        }
        return mixup(pixels, videos, targets, random);
    }

    /** {@code do_mixup}: λ ~ Beta(α, α); x = λx + (1 − λ)x[perm]; y likewise. */
    Mixed mixup(float[] pixels, int videos, float[][] targets, Random random) {
        double lam = beta(mixupAlpha, random);
        int[] perm = randperm(videos, random);
        int per = pixels.length / videos;
        float[] mixed = new float[pixels.length];
        for (int b = 0; b < videos; b++) {
            int src = perm[b] * per;
            int dst = b * per;
            for (int i = 0; i < per; i++) {
                mixed[dst + i] = (float) (lam * pixels[dst + i] + (1 - lam) * pixels[src + i]);
            }
        }
        System.arraycopy(mixed, 0, pixels, 0, pixels.length);
        return new Mixed(pixels, mixTargets(targets, perm, lam), "mixup", lam);
    }

    /**
     * {@code do_cutmix}: λ ~ Beta(α, α); a box of {@code int(W·√(1−λ)) × int(H·√(1−λ))} around a uniform centre,
     * clamped to the frame ({@code rand_bbox}), is copied from the permuted clips into every frame; λ becomes the
     * kept area fraction.
     */
    Mixed cutmix(float[] pixels, int videos, int height, int width, float[][] targets, Random random) {
        int[] perm = randperm(videos, random);
        double lam = beta(cutmixAlpha, random);
        double cutRat = Math.sqrt(1 - lam);
        int cutW = (int) (width * cutRat);
        int cutH = (int) (height * cutRat);
        int cx = random.nextInt(width);
        int cy = random.nextInt(height);
        int x1 = clamp(cx - Math.floorDiv(cutW, 2), width);
        int y1 = clamp(cy - Math.floorDiv(cutH, 2), height);
        int x2 = clamp(cx + Math.floorDiv(cutW, 2), width);
        int y2 = clamp(cy + Math.floorDiv(cutH, 2), height);
        int per = pixels.length / videos;
        int planes = per / (height * width); // frames · channels
        float[] source = pixels.clone(); // imgs[rand_index] is gathered before the assignment
        for (int b = 0; b < videos; b++) {
            int dstBase = b * per;
            int srcBase = perm[b] * per;
            for (int p = 0; p < planes; p++) {
                for (int y = y1; y < y2; y++) {
                    int row = p * height * width + y * width;
                    System.arraycopy(source, srcBase + row + x1, pixels, dstBase + row + x1, x2 - x1);
                }
            }
        }
        double kept = 1 - (double) (x2 - x1) * (y2 - y1) / (width * height);
        return new Mixed(pixels, mixTargets(targets, perm, kept), "cutmix", kept);
    }

    private static float[][] mixTargets(float[][] targets, int[] perm, double lam) {
        float[][] out = new float[targets.length][];
        for (int b = 0; b < targets.length; b++) {
            out[b] = new float[targets[b].length];
            for (int c = 0; c < out[b].length; c++) {
                out[b][c] = (float) (lam * targets[b][c] + (1 - lam) * targets[perm[b]][c]);
            }
        }
        return out;
    }

    private static int clamp(int v, int hi) {
        return Math.max(0, Math.min(hi, v));
    }

    /** A uniform random permutation (Fisher–Yates), torch.randperm's role. */
    static int[] randperm(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** A Beta(α, α) draw as X / (X + Y) of two Gamma(α) draws. */
    static double beta(double alpha, Random random) {
        double x = gamma(alpha, random);
        double y = gamma(alpha, random);
        return x + y == 0 ? 0.5 : x / (x + y);
    }

    /** Gamma(shape, 1) by Marsaglia and Tsang (2000); shapes below 1 via Gamma(shape + 1)·U^(1/shape). */
    static double gamma(double shape, Random random) {
        if (shape < 1) {
            double u = random.nextDouble();
            return gamma(shape + 1, random) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = random.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
