package dev.vclip.video;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Clip-level transforms: every frame of a clip gets the same crop, flip and colour change, as the video pipelines of
 * X-CLIP and ViFi-CLIP do (mmaction's transforms act on the whole frame list). Outputs are uint8 frames; the model's
 * {@link ClipImageProcessor} normalises them.
 *
 * <p>Resampling is Pillow's bicubic ({@link PillowResize}) throughout. The original pipelines resize with OpenCV's
 * bilinear filter; on natural images the difference is below one grey level for most pixels, and a model trained
 * in vclip sees the same filter at training and test time.
 */
public final class ClipTransforms {
    private ClipTransforms() {
    }

    // ---------------------------------------------------------------------------------------------- test views

    /**
     * mmaction's {@code ThreeCrop} (X-CLIP's TEST.NUM_CROP = 3): resize the shortest edge to {@code size}, then three
     * size×size crops along the long side, in mmaction's order: left (top), right (bottom), centre. The offsets are
     * 0, 2·step and step with step = (long − size) / 2, as mmaction computes them.
     */
    public static List<List<RgbFrame>> threeCrop(List<RgbFrame> frames, int size) {
        List<List<RgbFrame>> views = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (RgbFrame frame : frames) {
            int[] resized = ClipImageProcessor.shortestEdgeSize(frame.width(), frame.height(), size);
            boolean landscape = resized[0] >= resized[1];
            int step = ((landscape ? resized[0] : resized[1]) - size) / 2;
            int[] offsets = {0, 2 * step, step};
            for (int v = 0; v < 3; v++) {
                int left = landscape ? offsets[v] : 0;
                int top = landscape ? 0 : offsets[v];
                views.get(v).add(PillowResize.resizeBicubicWindow(frame, resized[0], resized[1], left, top, size, size));
            }
        }
        return views;
    }

    // ---------------------------------------------------------------------------------------------- training

    /**
     * The training augmentation of X-CLIP (datasets/build.py, {@code train_pipeline}), which ViFi-CLIP reuses:
     * resize the shortest edge to 256/224·S, {@code MultiScaleCrop} (scales 1, .875, .75, .66, aspect gap ≤ 1, one of
     * five fixed positions), resize to S×S, horizontal flip with p = 0.5, colour jitter with p = {@code colorJitter}
     * (brightness, contrast, saturation 0.4, hue 0.1, in random order as torchvision's ColorJitter), grey scale with
     * p = {@code grayScale}. Defaults as X-CLIP's AUG.COLOR_JITTER 0.8 and AUG.GRAY_SCALE 0.2.
     */
    public record TrainAugment(int inputSize, double flipRatio, double colorJitter, double grayScale) {

        static final double[] SCALES = {1, 0.875, 0.75, 0.66};

        public static TrainAugment xclip(int inputSize) {
            return new TrainAugment(inputSize, 0.5, 0.8, 0.2);
        }

        /** Applies one random draw to every frame of the clip. */
        public List<RgbFrame> apply(List<RgbFrame> frames, Random random) {
            if (frames.isEmpty()) {
                return frames;
            }
            int scaleResize = 256 * inputSize / 224;
            RgbFrame first = frames.get(0);
            int[] resized = ClipImageProcessor.shortestEdgeSize(first.width(), first.height(), scaleResize);
            int[] crop = multiScaleCrop(resized[0], resized[1], random);
            boolean flip = random.nextDouble() < flipRatio;
            ColorJitter jitter = random.nextDouble() < colorJitter ? ColorJitter.draw(random) : null;
            boolean gray = random.nextDouble() < grayScale;
            List<RgbFrame> out = new ArrayList<>(frames.size());
            for (RgbFrame frame : frames) {
                RgbFrame scaled = PillowResize.resizeBicubic(frame, resized[0], resized[1]);
                RgbFrame cropped = PillowResize.resizeBicubicWindow(scaled, scaled.width(), scaled.height(), crop[0],
                        crop[1], crop[2], crop[3]);
                RgbFrame square = PillowResize.resizeBicubic(cropped, inputSize, inputSize);
                if (flip) {
                    square = flipHorizontal(square);
                }
                if (jitter != null) {
                    square = jitter.apply(square);
                }
                if (gray) {
                    square = toGray(square);
                }
                out.add(square);
            }
            return out;
        }

        /** mmaction MultiScaleCrop(random_crop=False, max_wh_scale_gap=1): returns {left, top, width, height}. */
        int[] multiScaleCrop(int width, int height, Random random) {
            int base = Math.min(width, height);
            int[] sizes = new int[SCALES.length];
            for (int i = 0; i < SCALES.length; i++) {
                sizes[i] = (int) (base * SCALES[i]);
            }
            List<int[]> candidates = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                for (int j = 0; j < sizes.length; j++) {
                    if (Math.abs(i - j) <= 1) {
                        candidates.add(new int[]{sizes[j], sizes[i]}); // [w, h]
                    }
                }
            }
            int[] size = candidates.get(random.nextInt(candidates.size())).clone();
            for (int k = 0; k < 2; k++) {
                if (Math.abs(size[k] - inputSize) < 3) {
                    size[k] = inputSize; // mmaction snaps near-equal sizes to the input size
                }
            }
            int wStep = (width - size[0]) / 4;
            int hStep = (height - size[1]) / 4;
            int[][] offsets = {{0, 0}, {4 * wStep, 0}, {0, 4 * hStep}, {4 * wStep, 4 * hStep}, {2 * wStep, 2 * hStep}};
            int[] offset = offsets[random.nextInt(offsets.length)];
            return new int[]{offset[0], offset[1], size[0], size[1]};
        }
    }

    static RgbFrame flipHorizontal(RgbFrame f) {
        byte[] out = new byte[f.rgb().length];
        int w = f.width();
        for (int y = 0; y < f.height(); y++) {
            for (int x = 0; x < w; x++) {
                int src = (y * w + x) * 3;
                int dst = (y * w + (w - 1 - x)) * 3;
                out[dst] = f.rgb()[src];
                out[dst + 1] = f.rgb()[src + 1];
                out[dst + 2] = f.rgb()[src + 2];
            }
        }
        return new RgbFrame(w, f.height(), out);
    }

    /** ITU-R 601 luma, as torchvision's rgb_to_grayscale, replicated to three channels. */
    static RgbFrame toGray(RgbFrame f) {
        byte[] in = f.rgb();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i += 3) {
            int g = clamp(0.299 * (in[i] & 0xff) + 0.587 * (in[i + 1] & 0xff) + 0.114 * (in[i + 2] & 0xff));
            out[i] = out[i + 1] = out[i + 2] = (byte) g;
        }
        return new RgbFrame(f.width(), f.height(), out);
    }

    /**
     * torchvision's ColorJitter(0.4, 0.4, 0.4, 0.1): factors drawn once per clip, the four adjustments applied in a
     * random order (functional adjust_brightness / contrast / saturation / hue semantics on uint8).
     */
    record ColorJitter(double brightness, double contrast, double saturation, double hue, int[] order) {

        static ColorJitter draw(Random random) {
            int[] order = {0, 1, 2, 3};
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            return new ColorJitter(uniform(random, 0.6, 1.4), uniform(random, 0.6, 1.4), uniform(random, 0.6, 1.4),
                    uniform(random, -0.1, 0.1), order);
        }

        RgbFrame apply(RgbFrame f) {
            RgbFrame out = f;
            for (int op : order) {
                out = switch (op) {
                    case 0 -> blend(out, 0, brightness);                   // blend with black
                    case 1 -> blend(out, meanGray(out), contrast);        // blend with the mean grey
                    case 2 -> blendWithGray(out, saturation);             // blend with the grey image
                    default -> shiftHue(out, hue);
                };
            }
            return out;
        }

        private static double uniform(Random r, double lo, double hi) {
            return lo + (hi - lo) * r.nextDouble();
        }

        private static RgbFrame blend(RgbFrame f, double other, double ratio) {
            byte[] in = f.rgb();
            byte[] out = new byte[in.length];
            for (int i = 0; i < in.length; i++) {
                out[i] = (byte) clamp(ratio * (in[i] & 0xff) + (1 - ratio) * other);
            }
            return new RgbFrame(f.width(), f.height(), out);
        }

        private static RgbFrame blendWithGray(RgbFrame f, double ratio) {
            byte[] in = f.rgb();
            byte[] gray = toGray(f).rgb();
            byte[] out = new byte[in.length];
            for (int i = 0; i < in.length; i++) {
                out[i] = (byte) clamp(ratio * (in[i] & 0xff) + (1 - ratio) * (gray[i] & 0xff));
            }
            return new RgbFrame(f.width(), f.height(), out);
        }

        private static double meanGray(RgbFrame f) {
            byte[] g = toGray(f).rgb();
            long sum = 0;
            for (int i = 0; i < g.length; i += 3) {
                sum += g[i] & 0xff;
            }
            return (double) sum / (g.length / 3);
        }

        private static RgbFrame shiftHue(RgbFrame f, double shift) {
            byte[] in = f.rgb();
            byte[] out = new byte[in.length];
            float[] hsb = new float[3];
            for (int i = 0; i < in.length; i += 3) {
                java.awt.Color.RGBtoHSB(in[i] & 0xff, in[i + 1] & 0xff, in[i + 2] & 0xff, hsb);
                float h = (float) (hsb[0] + shift);
                h -= (float) Math.floor(h);
                int rgb = java.awt.Color.HSBtoRGB(h, hsb[1], hsb[2]);
                out[i] = (byte) (rgb >> 16);
                out[i + 1] = (byte) (rgb >> 8);
                out[i + 2] = (byte) rgb;
            }
            return new RgbFrame(f.width(), f.height(), out);
        }
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
