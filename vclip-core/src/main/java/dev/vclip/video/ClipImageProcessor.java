package dev.vclip.video;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Hugging Face's {@code CLIPImageProcessor} (transformers 4.x) on RGB frames, bit for bit:
 * <ol>
 *   <li>resize with Pillow BICUBIC ({@link PillowResize}) so that the shortest edge is S and the longer edge
 *       {@code int(S * long / short)} (truncated), or to a fixed height x width when the config's {@code size} is
 *       {@code {"height", "width"}};</li>
 *   <li>centre crop with {@code top = (h - cropH) // 2}, {@code left = (w - cropW) // 2} (floor, not torchvision's
 *       rounding). When the resized image is smaller than the crop along an edge, it is padded with zeros (uint8 0,
 *       i.e. black before rescaling) exactly as transformers' {@code image_transforms.center_crop} pads;</li>
 *   <li>rescale: {@code x = (float) (u * rescaleFactor)}, the product taken in double (numpy float64, then
 *       {@code astype(float32)});</li>
 *   <li>normalise in float32: {@code (x - mean[c]) / std[c]} with mean and std rounded to float32;</li>
 *   <li>output channel-first {@code [3, H, W]}, channels R, G, B.</li>
 * </ol>
 * Steps 3 and 4 depend only on (channel, byte value), so they are a precomputed 3 x 256 lookup table: the values
 * are identical to computing them per pixel.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ClipImageProcessor {

    /** OpenAI CLIP's normalisation mean (R, G, B), as written in the configs. */
    public static final List<Double> OPENAI_CLIP_MEAN = List.of(0.48145466, 0.4578275, 0.40821073);
    /** OpenAI CLIP's normalisation standard deviation (R, G, B). */
    public static final List<Double> OPENAI_CLIP_STD = List.of(0.26862954, 0.26130258, 0.27577711);
    /** Pillow's resample code for BICUBIC ({@code PIL.Image.Resampling.BICUBIC}); the only one supported. */
    public static final int PIL_BICUBIC = 3;
    /** The {@code rescale_factor} default, 1/255. */
    public static final double DEFAULT_RESCALE_FACTOR = 1.0 / 255.0;
    /** HF's default shortest edge and crop size for CLIP. */
    public static final int DEFAULT_SIZE = 224;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean doResize;
    /** Shortest edge, or 0 when resizing to a fixed {@link #resizeHeight} x {@link #resizeWidth}. */
    private final int shortestEdge;
    private final int resizeHeight;
    private final int resizeWidth;
    private final boolean doCenterCrop;
    private final int cropHeight;
    private final int cropWidth;
    private final boolean doRescale;
    private final double rescaleFactor;
    private final boolean doNormalize;
    private final double[] mean;
    private final double[] std;
    /** lut[c * 256 + u]: the output value of byte u in channel c. */
    private final float[] lut;

    private ClipImageProcessor(Builder b) {
        this.doResize = b.doResize;
        this.shortestEdge = b.shortestEdge;
        this.resizeHeight = b.resizeHeight;
        this.resizeWidth = b.resizeWidth;
        this.doCenterCrop = b.doCenterCrop;
        this.cropHeight = b.cropHeight > 0 ? b.cropHeight : defaultCropEdge(b);
        this.cropWidth = b.cropWidth > 0 ? b.cropWidth : defaultCropEdge(b);
        this.doRescale = b.doRescale;
        this.rescaleFactor = b.rescaleFactor;
        this.doNormalize = b.doNormalize;
        this.mean = b.mean.clone();
        this.std = b.std.clone();
        if (shortestEdge <= 0 && (resizeHeight <= 0 || resizeWidth <= 0)) {
            throw new IllegalArgumentException("resize size must be positive");
        }
        if (!(rescaleFactor > 0) || Double.isInfinite(rescaleFactor)) {
            throw new IllegalArgumentException("rescale factor must be positive and finite, got " + rescaleFactor);
        }
        this.lut = buildLut();
    }

    private static int defaultCropEdge(Builder b) {
        return b.shortestEdge > 0 ? b.shortestEdge : Math.min(b.resizeHeight, b.resizeWidth);
    }

    private float[] buildLut() {
        float[] t = new float[3 * 256];
        for (int c = 0; c < 3; c++) {
            float m = (float) mean[c];
            float s = (float) std[c];
            for (int u = 0; u < 256; u++) {
                float x = doRescale ? (float) (u * rescaleFactor) : (float) u;
                // float32 arithmetic, as numpy does it on float32 arrays: subtract, then divide (no 1/std).
                t[c * 256 + u] = doNormalize ? (x - m) / s : x;
            }
        }
        return t;
    }

    // ------------------------------------------------------------------ construction

    /** HF defaults for CLIP: shortest edge 224, crop 224 x 224, rescale 1/255, OpenAI mean/std, all steps on. */
    public static Builder builder() {
        return new Builder();
    }

    /** Shortest edge s, crop s x s, OpenAI CLIP mean/std, rescale 1/255 (openai/clip-vit-base-patch32 at s = 224). */
    public static ClipImageProcessor forImageSize(int s) {
        return builder().shortestEdge(s).cropSize(s, s).build();
    }

    /** Settings of a {@link ClipImageProcessor}. The crop size defaults to the shortest edge. */
    public static final class Builder {
        private boolean doResize = true;
        private int shortestEdge = DEFAULT_SIZE;
        private int resizeHeight;
        private int resizeWidth;
        private boolean doCenterCrop = true;
        private int cropHeight;
        private int cropWidth;
        private boolean doRescale = true;
        private double rescaleFactor = DEFAULT_RESCALE_FACTOR;
        private boolean doNormalize = true;
        private double[] mean = OPENAI_CLIP_MEAN.stream().mapToDouble(Double::doubleValue).toArray();
        private double[] std = OPENAI_CLIP_STD.stream().mapToDouble(Double::doubleValue).toArray();

        private Builder() {
        }

        /** Resize so that the shorter side becomes {@code s} (keeps the aspect ratio). */
        public Builder shortestEdge(int s) {
            if (s <= 0) {
                throw new IllegalArgumentException("shortest edge must be positive, got " + s);
            }
            this.shortestEdge = s;
            this.resizeHeight = 0;
            this.resizeWidth = 0;
            return this;
        }

        /** Resize to exactly height x width (HF's {@code size: {"height", "width"}}). */
        public Builder resizeTo(int height, int width) {
            if (height <= 0 || width <= 0) {
                throw new IllegalArgumentException("resize size must be positive, got " + height + "x" + width);
            }
            this.shortestEdge = 0;
            this.resizeHeight = height;
            this.resizeWidth = width;
            return this;
        }

        public Builder cropSize(int height, int width) {
            if (height <= 0 || width <= 0) {
                throw new IllegalArgumentException("crop size must be positive, got " + height + "x" + width);
            }
            this.cropHeight = height;
            this.cropWidth = width;
            return this;
        }

        public Builder doResize(boolean v) {
            this.doResize = v;
            return this;
        }

        public Builder doCenterCrop(boolean v) {
            this.doCenterCrop = v;
            return this;
        }

        public Builder doRescale(boolean v) {
            this.doRescale = v;
            return this;
        }

        public Builder rescaleFactor(double v) {
            this.rescaleFactor = v;
            return this;
        }

        public Builder doNormalize(boolean v) {
            this.doNormalize = v;
            return this;
        }

        /** Per-channel mean (R, G, B). */
        public Builder mean(double r, double g, double b) {
            this.mean = new double[] {r, g, b};
            return this;
        }

        /** Per-channel standard deviation (R, G, B); must be non-zero. */
        public Builder std(double r, double g, double b) {
            if (r == 0 || g == 0 || b == 0) {
                throw new IllegalArgumentException("std must be non-zero, got [" + r + ", " + g + ", " + b + "]");
            }
            this.std = new double[] {r, g, b};
            return this;
        }

        public ClipImageProcessor build() {
            return new ClipImageProcessor(this);
        }
    }

    /**
     * Reads a Hugging Face {@code preprocessor_config.json} of a CLIP image processor (also the legacy
     * {@code CLIPFeatureExtractor} form). Keys and HF's defaults when absent: {@code do_resize} (true),
     * {@code size} (int = shortest edge, {@code {"shortest_edge": n}} or {@code {"height": h, "width": w}};
     * 224), {@code resample} (3 = bicubic; nothing else is supported), {@code do_center_crop} (true),
     * {@code crop_size} (int = square, or {@code {"height", "width"}}; 224), {@code do_rescale} (true),
     * {@code rescale_factor} (1/255), {@code do_normalize} (true), {@code image_mean} and {@code image_std}
     * (3 numbers or one number for all channels; OpenAI CLIP's), {@code do_convert_rgb} (must be a boolean; frames
     * are RGB already). Other keys ({@code image_processor_type}, {@code processor_class}, ...) are ignored; a
     * {@code longest_edge} inside {@code size} is ignored as CLIPImageProcessor ignores it.
     *
     * @throws IllegalArgumentException naming the file and the key, for a malformed file or a value of the wrong
     *                                  type or range
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static ClipImageProcessor fromPreprocessorConfig(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("preprocessor config not found: " + file, e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read preprocessor config " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a JSON object at the top level");
        }
        ConfigReader r = new ConfigReader(file, root);
        Builder b = builder();
        b.doResize(r.bool("do_resize", true));
        JsonNode size = root.get("size");
        if (size != null && !size.isNull()) {
            if (size.isIntegralNumber()) {
                b.shortestEdge(r.positiveInt(size, "size"));
            } else if (size.isObject()) {
                if (size.has("shortest_edge") && !size.get("shortest_edge").isNull()) {
                    b.shortestEdge(r.positiveInt(size.get("shortest_edge"), "size.shortest_edge"));
                } else if (size.has("height") && size.has("width")) {
                    b.resizeTo(r.positiveInt(size.get("height"), "size.height"),
                            r.positiveInt(size.get("width"), "size.width"));
                } else {
                    throw r.error("size", "must have \"shortest_edge\" or both \"height\" and \"width\"", size);
                }
            } else {
                throw r.error("size", "must be an integer or an object {\"shortest_edge\": n}", size);
            }
        }
        JsonNode resample = root.get("resample");
        if (resample != null && !resample.isNull()) {
            if (!resample.isIntegralNumber()) {
                throw r.error("resample", "must be an integer (a PIL resampling filter code)", resample);
            }
            if (resample.asInt() != PIL_BICUBIC) {
                throw r.error("resample", "is " + resample.asInt() + " (" + pilFilterName(resample.asInt())
                        + "); only 3 (BICUBIC) is supported", null);
            }
        }
        b.doCenterCrop(r.bool("do_center_crop", true));
        JsonNode crop = root.get("crop_size");
        if (crop != null && !crop.isNull()) {
            if (crop.isIntegralNumber()) {
                int c = r.positiveInt(crop, "crop_size");
                b.cropSize(c, c);
            } else if (crop.isObject() && crop.has("height") && crop.has("width")) {
                b.cropSize(r.positiveInt(crop.get("height"), "crop_size.height"),
                        r.positiveInt(crop.get("width"), "crop_size.width"));
            } else {
                throw r.error("crop_size", "must be an integer or an object {\"height\": h, \"width\": w}", crop);
            }
        } else {
            b.cropSize(DEFAULT_SIZE, DEFAULT_SIZE); // HF's CLIPImageProcessor default, whatever the size
        }
        b.doRescale(r.bool("do_rescale", true));
        JsonNode factor = root.get("rescale_factor");
        if (factor != null && !factor.isNull()) {
            if (!factor.isNumber() || !(factor.asDouble() > 0) || Double.isInfinite(factor.asDouble())) {
                throw r.error("rescale_factor", "must be a positive number", factor);
            }
            b.rescaleFactor(factor.asDouble());
        }
        b.doNormalize(r.bool("do_normalize", true));
        double[] m = r.triple("image_mean", false);
        if (m != null) {
            b.mean(m[0], m[1], m[2]);
        }
        double[] s = r.triple("image_std", true);
        if (s != null) {
            b.std(s[0], s[1], s[2]);
        }
        r.bool("do_convert_rgb", true);
        return b.build();
    }

    private static String pilFilterName(int code) {
        return switch (code) {
            case 0 -> "NEAREST";
            case 1 -> "LANCZOS";
            case 2 -> "BILINEAR";
            case 3 -> "BICUBIC";
            case 4 -> "BOX";
            case 5 -> "HAMMING";
            default -> "unknown";
        };
    }

    /** Typed access to config keys with errors that name the file and the key. */
    private record ConfigReader(Path file, JsonNode root) {

        IllegalArgumentException error(String key, String problem, JsonNode value) {
            return new IllegalArgumentException(file + ": key '" + key + "' " + problem
                    + (value != null ? ", got " + describe(value) : ""));
        }

        private static String describe(JsonNode v) {
            String type = v.isTextual() ? "string" : v.isBoolean() ? "boolean" : v.isNumber() ? "number"
                    : v.isArray() ? "array" : v.isObject() ? "object" : v.getNodeType().toString().toLowerCase();
            String text = v.toString();
            if (text.length() > 80) {
                text = text.substring(0, 77) + "...";
            }
            return type + " " + text;
        }

        boolean bool(String key, boolean dflt) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isBoolean()) {
                throw error(key, "must be true or false", v);
            }
            return v.booleanValue();
        }

        int positiveInt(JsonNode v, String key) {
            if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
                throw error(key, "must be an integer", v);
            }
            if (v.intValue() <= 0) {
                throw error(key, "must be positive", v);
            }
            return v.intValue();
        }

        /** Three numbers (or one, for all channels); null when absent. */
        double[] triple(String key, boolean nonZero) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            double[] out = new double[3];
            if (v.isNumber()) {
                Arrays.fill(out, v.asDouble());
            } else if (v.isArray() && v.size() == 3) {
                Iterator<JsonNode> it = v.elements();
                for (int i = 0; i < 3; i++) {
                    JsonNode e = it.next();
                    if (!e.isNumber()) {
                        throw error(key, "must be a list of 3 numbers (R, G, B)", v);
                    }
                    out[i] = e.asDouble();
                }
            } else {
                throw error(key, "must be a list of 3 numbers (R, G, B)", v);
            }
            for (double d : out) {
                if (!Double.isFinite(d) || (nonZero && d == 0)) {
                    throw error(key, nonZero ? "must hold finite non-zero numbers" : "must hold finite numbers", v);
                }
            }
            return out;
        }
    }

    // ------------------------------------------------------------------ geometry

    /**
     * HF's {@code get_resize_output_image_size(default_to_square=False)}: the shorter side becomes
     * {@code shortestEdge}, the longer {@code int(shortestEdge * long / short)}. Returns {width, height}.
     */
    public static int[] shortestEdgeSize(int width, int height, int shortestEdge) {
        if (width <= 0 || height <= 0 || shortestEdge <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + width + "x" + height + " -> " + shortestEdge);
        }
        int shortSide = Math.min(width, height);
        int longSide = Math.max(width, height);
        // Python: int(S * long / short), a correctly rounded float division then truncation; the product and the
        // operands are exact doubles, so Java's division is the same double. (Equal to (S*long)/short in integers.)
        long product = (long) shortestEdge * longSide;
        int newLong = Math.toIntExact((long) ((double) product / shortSide));
        return width <= height ? new int[] {shortestEdge, newLong} : new int[] {newLong, shortestEdge};
    }

    /** Size {width, height} after the resize step (the input size when {@code do_resize} is off). */
    public int[] resizedSize(int width, int height) {
        if (!doResize) {
            return new int[] {width, height};
        }
        if (shortestEdge > 0) {
            return shortestEdgeSize(width, height, shortestEdge);
        }
        return new int[] {resizeWidth, resizeHeight};
    }

    /**
     * HF's centre-crop offsets {top, left} in a {@code width x height} image: {@code floor((h - cropH) / 2)} and
     * {@code floor((w - cropW) / 2)}. Negative when the image is smaller than the crop (zero padding).
     */
    public static int[] centerCropOffset(int width, int height, int cropHeight, int cropWidth) {
        return new int[] {Math.floorDiv(height - cropHeight, 2), Math.floorDiv(width - cropWidth, 2)};
    }

    /** Size {width, height} of the output for an input of this size. */
    public int[] outputSize(int width, int height) {
        if (doCenterCrop) {
            return new int[] {cropWidth, cropHeight};
        }
        return resizedSize(width, height);
    }

    /** Number of floats {@link #toPixelValues(RgbFrame, float[], int)} writes for an input of this size. */
    public int outputLength(int width, int height) {
        int[] o = outputSize(width, height);
        return Math.multiplyExact(Math.multiplyExact(3, o[0]), o[1]);
    }

    // ------------------------------------------------------------------ processing

    /** The resize step alone (a copy when it does not change the size or {@code do_resize} is off). */
    public RgbFrame resize(RgbFrame frame) {
        int[] size = resizedSize(frame.width(), frame.height());
        return PillowResize.resizeBicubic(frame, size[0], size[1]);
    }

    /**
     * The uint8 stages: resize then centre crop (with zero padding where the resized image is smaller than the
     * crop). Only the cropped part of the resized image is computed. Cache this to re-normalise cheaply with
     * {@link #normalize}.
     */
    public RgbFrame resizeAndCrop(RgbFrame frame) {
        int[] size = resizedSize(frame.width(), frame.height());
        if (!doCenterCrop) {
            return PillowResize.resizeBicubic(frame, size[0], size[1]);
        }
        int[] off = centerCropOffset(size[0], size[1], cropHeight, cropWidth);
        return PillowResize.resizeBicubicWindow(frame, size[0], size[1], off[1], off[0], cropWidth, cropHeight);
    }

    /** The full pipeline: {@code pixel_values} of one frame, channel-first {@code [3, H, W]}, R, G, B. */
    public float[] toPixelValues(RgbFrame frame) {
        RgbFrame processed = resizeAndCrop(frame);
        float[] out = new float[3 * processed.width() * processed.height()];
        normalize(processed, out, 0);
        return out;
    }

    /**
     * The full pipeline into {@code dst[offset ...]}: writes {@code [3, H, W]} and returns the number of floats
     * written ({@link #outputLength}). For a {@code [frames, 3, H, W]} batch, call it with
     * {@code offset = i * outputLength(...)}.
     */
    public int toPixelValues(RgbFrame frame, float[] dst, int offset) {
        int n = outputLength(frame.width(), frame.height());
        Objects.checkFromIndexSize(offset, n, dst.length);
        return normalize(resizeAndCrop(frame), dst, offset);
    }

    /** {@code [frames.size(), 3, H, W]} for frames that all give the same output size. */
    public float[] toPixelValues(List<RgbFrame> frames) {
        if (frames.isEmpty()) {
            return new float[0];
        }
        int n = outputLength(frames.get(0).width(), frames.get(0).height());
        float[] out = new float[Math.multiplyExact(n, frames.size())];
        for (int i = 0; i < frames.size(); i++) {
            RgbFrame f = frames.get(i);
            if (outputLength(f.width(), f.height()) != n) {
                throw new IllegalArgumentException("frame " + i + " (" + f.width() + "x" + f.height()
                        + ") gives a different output size than frame 0; use a centre crop or equal frame sizes");
            }
            toPixelValues(f, out, i * n);
        }
        return out;
    }

    /**
     * Steps 3 to 5 alone (rescale, normalise, channel-first) of an already resized and cropped frame, into
     * {@code dst[offset ...]}; returns the number of floats written ({@code 3 * width * height}).
     */
    public int normalize(RgbFrame processed, float[] dst, int offset) {
        byte[] rgb = processed.rgb();
        int plane = processed.width() * processed.height();
        Objects.checkFromIndexSize(offset, 3 * plane, dst.length);
        float[] t = lut;
        int o0 = offset;
        int o1 = offset + plane;
        int o2 = offset + 2 * plane;
        for (int i = 0, p = 0; i < plane; i++, p += 3) {
            dst[o0 + i] = t[rgb[p] & 0xff];
            dst[o1 + i] = t[256 + (rgb[p + 1] & 0xff)];
            dst[o2 + i] = t[512 + (rgb[p + 2] & 0xff)];
        }
        return 3 * plane;
    }

    // ------------------------------------------------------------------ settings

    public boolean doResize() {
        return doResize;
    }

    /** The shortest edge, or 0 when resizing to a fixed size ({@link #resizeHeight()} x {@link #resizeWidth()}). */
    public int shortestEdge() {
        return shortestEdge;
    }

    public int resizeHeight() {
        return resizeHeight;
    }

    public int resizeWidth() {
        return resizeWidth;
    }

    public boolean doCenterCrop() {
        return doCenterCrop;
    }

    public int cropHeight() {
        return cropHeight;
    }

    public int cropWidth() {
        return cropWidth;
    }

    public boolean doRescale() {
        return doRescale;
    }

    public double rescaleFactor() {
        return rescaleFactor;
    }

    public boolean doNormalize() {
        return doNormalize;
    }

    /** The mean as configured (it is applied rounded to float32). */
    public double[] mean() {
        return mean.clone();
    }

    /** The std as configured (it is applied rounded to float32). */
    public double[] std() {
        return std.clone();
    }

    @Override
    public String toString() {
        String resize = !doResize ? "no resize"
                : shortestEdge > 0 ? "shortest edge " + shortestEdge : "resize " + resizeHeight + "x" + resizeWidth;
        return "ClipImageProcessor[" + resize + " (PIL bicubic), "
                + (doCenterCrop ? "crop " + cropHeight + "x" + cropWidth : "no crop")
                + (doRescale ? ", rescale " + rescaleFactor : ", no rescale")
                + (doNormalize ? ", mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) : ", no normalize")
                + "]";
    }
}
