package dev.vclip.video;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pillow's {@code Image.resize(size, BICUBIC)} on 8-bit RGB images, bit for bit (Pillow 9.4,
 * {@code libImaging/Resample.c}, 8 bits per channel, no {@code box}, no {@code reducing_gap}).
 *
 * <p>The algorithm, rewritten from its description:
 * <ul>
 *   <li>Per axis, a table of weights for each output index: the cubic kernel with a = -0.5 and support 2; when
 *       downscaling the support is widened by {@code scale = in / out} (antialiasing). For output index i,
 *       {@code center = (i + 0.5) * scale}, the source indices are {@code xmin = max(0, (int) (center - support
 *       + 0.5))} up to (exclusive) {@code min(in, (int) (center + support + 0.5))}, the raw weight of source j is
 *       {@code k((j - center + 0.5) / max(scale, 1))}, and the weights are divided by their sum.</li>
 *   <li>The weights become 22-bit fixed point, rounded half away from zero:
 *       {@code (int) (w * 2^22 + 0.5)} or {@code (int) (w * 2^22 - 0.5)} for negative w.</li>
 *   <li>Each output value is {@code clamp((2^21 + Σ pixel * weight) >> 22, 0, 255)} in 32-bit int arithmetic.</li>
 *   <li>The horizontal pass runs first into a uint8 intermediate (only the source rows that the vertical pass
 *       reads), then the vertical pass. A pass whose dimension does not change is skipped (so an unchanged size is a
 *       plain copy). Channels are independent.</li>
 * </ul>
 *
 * <p>Every output pixel depends only on its own weight rows, so {@link #resizeBicubicWindow} can compute just a
 * window of the resized image (the centre crop) with values identical to the full resize. Weight tables are cached
 * per (input size, output size). All methods are thread-safe.
 */
public final class PillowResize {

    /** Fixed-point precision of the weights: {@code 32 - 8 - 2}, as in Pillow. */
    static final int PRECISION_BITS = 22;
    private static final int HALF = 1 << (PRECISION_BITS - 1);
    /** Support of the bicubic filter at scale 1. */
    private static final double BICUBIC_SUPPORT = 2.0;
    private static final int MAX_CACHED_TABLES = 512;

    private static final ConcurrentHashMap<Long, Coefficients> CACHE = new ConcurrentHashMap<>();

    private PillowResize() {
    }

    /**
     * Weights of one axis: for output index i, {@code count[i]} source indices starting at {@code first[i]}, with
     * fixed-point weights {@code weights[i * stride ... i * stride + count[i] - 1]}.
     */
    record Coefficients(int inSize, int outSize, int stride, int[] first, int[] count, int[] weights) {
    }

    /** Pillow's BICUBIC filter (a = -0.5); the operation order matches Pillow's so the doubles are identical. */
    static double bicubic(double x) {
        final double a = -0.5;
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** The (cached) fixed-point weight table for resampling an axis of {@code inSize} pixels to {@code outSize}. */
    static Coefficients coefficients(int inSize, int outSize) {
        if (inSize <= 0 || outSize <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + inSize + " -> " + outSize);
        }
        long key = ((long) inSize << 32) | outSize;
        Coefficients c = CACHE.get(key);
        if (c == null) {
            c = computeCoefficients(inSize, outSize);
            if (CACHE.size() >= MAX_CACHED_TABLES) {
                CACHE.clear();
            }
            CACHE.put(key, c);
        }
        return c;
    }

    private static Coefficients computeCoefficients(int inSize, int outSize) {
        // Pillow computes the box as floats (0.0f .. (float) inSize); both are exact for any realistic size.
        double scale = (double) ((float) inSize - 0.0f) / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = BICUBIC_SUPPORT * filterScale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[Math.multiplyExact(outSize, stride)];
        double[] k = new double[stride];
        double ss = 1.0 / filterScale;
        for (int i = 0; i < outSize; i++) {
            double center = 0.0 + (i + 0.5) * scale;
            int xmin = (int) (center - support + 0.5); // truncation toward zero, as the C cast
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            int n = xmax - xmin;
            double sum = 0.0;
            for (int x = 0; x < n; x++) {
                double w = bicubic((x + xmin - center + 0.5) * ss);
                k[x] = w;
                sum += w;
            }
            for (int x = 0; x < n; x++) {
                double w = sum != 0.0 ? k[x] / sum : k[x];
                weights[i * stride + x] = w < 0
                        ? (int) (-0.5 + w * (1 << PRECISION_BITS))
                        : (int) (0.5 + w * (1 << PRECISION_BITS));
            }
            first[i] = xmin;
            count[i] = Math.max(n, 0);
        }
        return new Coefficients(inSize, outSize, stride, first, count, weights);
    }

    private static int clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : (v > 255 ? 255 : v);
    }

    /** {@code PIL.Image.resize((outW, outH), Image.BICUBIC)} of an RGB image. Same size: a copy. */
    public static RgbFrame resizeBicubic(RgbFrame src, int outW, int outH) {
        return resizeBicubicWindow(src, outW, outH, 0, 0, outW, outH);
    }

    /**
     * A window of the resized image: the pixels {@code [left, left + width) x [top, top + height)} of
     * {@code resizeBicubic(src, outW, outH)}, computed without the rest of it. Window pixels that fall outside the
     * resized image are 0 (black), as Hugging Face's {@code center_crop} pads with zeros; {@code left}/{@code top}
     * may therefore be negative.
     */
    public static RgbFrame resizeBicubicWindow(RgbFrame src, int outW, int outH,
                                               int left, int top, int width, int height) {
        Objects.requireNonNull(src, "src");
        if (outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("output size must be positive, got " + outW + "x" + outH);
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("window size must be positive, got " + width + "x" + height);
        }
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        // The part of the window inside the resized image, in resized coordinates.
        int x0 = Math.max(0, left);
        int x1 = (int) Math.min(outW, (long) left + width);
        int y0 = Math.max(0, top);
        int y1 = (int) Math.min(outH, (long) top + height);
        if (x0 >= x1 || y0 >= y1) {
            return new RgbFrame(width, height, out);
        }
        int inW = src.width();
        int inH = src.height();
        byte[] in = src.rgb();
        boolean horizontal = outW != inW;
        boolean vertical = outH != inH;
        Coefficients cv = vertical ? coefficients(inH, outH) : null;

        // The image the vertical pass reads ("mid"): either the horizontal pass's output, restricted to the
        // window's columns and to the source rows the vertical pass needs, or the source itself.
        byte[] mid;
        int midStride;   // bytes per row
        int midRow0;     // source row of mid's row 0
        int midCol0;     // byte offset, within a row, of window column x0
        if (horizontal) {
            int r0;
            int r1;
            if (vertical) {
                r0 = Integer.MAX_VALUE;
                r1 = Integer.MIN_VALUE;
                for (int yy = y0; yy < y1; yy++) {
                    r0 = Math.min(r0, cv.first()[yy]);
                    r1 = Math.max(r1, cv.first()[yy] + cv.count()[yy]);
                }
            } else {
                r0 = y0;
                r1 = y1;
            }
            int cw = x1 - x0;
            mid = new byte[Math.max(0, r1 - r0) * cw * 3];
            horizontalPass(in, inW, coefficients(inW, outW), x0, x1, r0, r1, mid);
            midStride = cw * 3;
            midRow0 = r0;
            midCol0 = 0;
        } else {
            mid = in;
            midStride = inW * 3;
            midRow0 = 0;
            midCol0 = x0 * 3;
        }

        int rowBytes = (x1 - x0) * 3;
        int outStride = width * 3;
        int outBase = (x0 - left) * 3;
        if (vertical) {
            int[] acc = new int[rowBytes];
            int[] first = cv.first();
            int[] count = cv.count();
            int[] weights = cv.weights();
            int stride = cv.stride();
            for (int yy = y0; yy < y1; yy++) {
                Arrays.fill(acc, HALF);
                int n = count[yy];
                int kOff = yy * stride;
                int rowOff = (first[yy] - midRow0) * midStride + midCol0;
                for (int t = 0; t < n; t++) {
                    int k = weights[kOff + t];
                    int p = rowOff + t * midStride;
                    for (int i = 0; i < rowBytes; i++) {
                        acc[i] += (mid[p + i] & 0xff) * k;
                    }
                }
                int o = (yy - top) * outStride + outBase;
                for (int i = 0; i < rowBytes; i++) {
                    out[o + i] = (byte) clip8(acc[i]);
                }
            }
        } else {
            for (int yy = y0; yy < y1; yy++) {
                System.arraycopy(mid, (yy - midRow0) * midStride + midCol0, out,
                        (yy - top) * outStride + outBase, rowBytes);
            }
        }
        return new RgbFrame(width, height, out);
    }

    /** Horizontal pass: output columns [x0, x1) of source rows [r0, r1) into {@code dst} (row-major, packed). */
    private static void horizontalPass(byte[] in, int inW, Coefficients ch, int x0, int x1, int r0, int r1,
                                       byte[] dst) {
        int[] first = ch.first();
        int[] count = ch.count();
        int[] weights = ch.weights();
        int stride = ch.stride();
        int o = 0;
        for (int y = r0; y < r1; y++) {
            int rowOff = y * inW * 3;
            for (int xx = x0; xx < x1; xx++) {
                int n = count[xx];
                int kOff = xx * stride;
                int p = rowOff + first[xx] * 3;
                int s0 = HALF;
                int s1 = HALF;
                int s2 = HALF;
                for (int t = 0; t < n; t++) {
                    int k = weights[kOff + t];
                    s0 += (in[p] & 0xff) * k;
                    s1 += (in[p + 1] & 0xff) * k;
                    s2 += (in[p + 2] & 0xff) * k;
                    p += 3;
                }
                dst[o] = (byte) clip8(s0);
                dst[o + 1] = (byte) clip8(s1);
                dst[o + 2] = (byte) clip8(s2);
                o += 3;
            }
        }
    }
}
