package dev.vclip.verify;

import dev.vclip.video.ClipImageProcessor;
import dev.vclip.video.RgbFrame;
import dev.vclip.weights.DType;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.TensorFile;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks {@link ClipImageProcessor} against a file of golden pre-processing results in the layout of
 * {@code fixtures/processor/frames.safetensors}: inputs {@code frame_i} (U8 {@code [H, W, 3]}), and for each
 * variant the Pillow resize {@code resized_i} / {@code resized112_i} (U8 {@code [h, w, 3]}, must be exactly equal)
 * and the {@code pixel_values_i} / {@code pixel_values112_i} (F32 {@code [3, S, S]}, max |Δ| at most
 * {@link #PIXEL_TOLERANCE}). Used by the tests and by {@code vclip preprocess --verify}.
 */
public final class ProcessorCases {

    /** Largest accepted |Δ| on {@code pixel_values}; an exact port gives 0. */
    public static final double PIXEL_TOLERANCE = 1e-6;

    /** One processor setting checked for every frame: shortest edge and crop {@code size}, and the tensor prefixes. */
    public record Variant(int size, String pixelValuesPrefix, String resizedPrefix) {
    }

    /** The two variants of the fixture file: 224 (HF CLIP defaults) and 112. */
    public static final List<Variant> VARIANTS = List.of(
            new Variant(224, "pixel_values_", "resized_"),
            new Variant(112, "pixel_values112_", "resized112_"));

    /**
     * The check of one golden tensor.
     *
     * @param name       the golden tensor's name
     * @param maxAbsDiff largest absolute difference (uint8 units for {@code resized*}, normalised units for
     *                   {@code pixel_values*}); NaN when nothing could be compared
     * @param exact      every value identical
     * @param passed     within the tolerance (exact for {@code resized*})
     * @param detail     a short human-readable note (shape problems, where the maximum is, errors)
     */
    public record Result(String name, double maxAbsDiff, boolean exact, boolean passed, String detail)
            implements CheckReport.Outcome {
    }

    /** Every golden tensor's check, frames in index order. */
    public record Report(List<Result> results) implements CheckReport<Result> {
    }

    private static final Pattern FRAME = Pattern.compile("frame_(\\d+)");

    private ProcessorCases() {
    }

    /** Opens a safetensors file and checks every {@code frame_i} in it (see {@link #verify(TensorFile)}). */
    public static Report verify(Path framesFile) {
        try (TensorFile file = SafeTensors.open(framesFile)) {
            return verify(file);
        }
    }

    /**
     * Runs every {@code frame_i} (in index order) through both {@link #VARIANTS} and compares with the goldens; a
     * golden missing from the file is a failed result.
     *
     * @throws IllegalArgumentException when the file has no {@code frame_i} tensor
     */
    public static Report verify(TensorFile file) {
        TreeMap<Integer, String> frames = new TreeMap<>();
        for (String name : file.names()) {
            Matcher m = FRAME.matcher(name);
            if (m.matches()) {
                frames.put(Integer.parseInt(m.group(1)), name);
            }
        }
        if (frames.isEmpty()) {
            throw new IllegalArgumentException(file.path() + ": no frame_i tensors to verify");
        }
        List<Result> results = new ArrayList<>();
        for (var e : frames.entrySet()) {
            int i = e.getKey();
            RgbFrame frame;
            try {
                frame = frameFromTensor(file.get(e.getValue()));
            } catch (RuntimeException ex) {
                for (Variant v : VARIANTS) {
                    results.add(new Result(v.resizedPrefix() + i, Double.NaN, false, false,
                            "input " + e.getValue() + ": " + ex.getMessage()));
                    results.add(new Result(v.pixelValuesPrefix() + i, Double.NaN, false, false,
                            "input " + e.getValue() + ": " + ex.getMessage()));
                }
                continue;
            }
            for (Variant v : VARIANTS) {
                ClipImageProcessor processor = ClipImageProcessor.forImageSize(v.size());
                results.add(checkResized(file, v.resizedPrefix() + i, processor, frame));
                results.add(checkPixelValues(file, v.pixelValuesPrefix() + i, processor, frame));
            }
        }
        return new Report(List.copyOf(results));
    }

    /** A U8 {@code [H, W, 3]} tensor as a frame (copied). */
    public static RgbFrame frameFromTensor(StoredTensor t) {
        long[] s = t.shape();
        if (t.dtype() != DType.U8 || s.length != 3 || s[2] != 3) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' is " + t.dtype() + " "
                    + Arrays.toString(s) + ", expected U8 [H, W, 3]");
        }
        byte[] rgb = new byte[Math.toIntExact(t.byteSize())];
        t.data().duplicate().get(rgb);
        return new RgbFrame(Math.toIntExact(s[1]), Math.toIntExact(s[0]), rgb);
    }

    private static Result checkResized(TensorFile file, String name, ClipImageProcessor p, RgbFrame frame) {
        if (!file.names().contains(name)) {
            return new Result(name, Double.NaN, false, false, "missing from the file");
        }
        try {
            StoredTensor golden = file.get(name);
            RgbFrame actual = p.resize(frame);
            long[] expectedShape = {actual.height(), actual.width(), 3};
            if (golden.dtype() != DType.U8 || !Arrays.equals(golden.shape(), expectedShape)) {
                return new Result(name, Double.NaN, false, false, "golden is " + golden.dtype() + " "
                        + Arrays.toString(golden.shape()) + ", resize gives U8 " + Arrays.toString(expectedShape));
            }
            ByteBuffer g = golden.data();
            byte[] a = actual.rgb();
            int max = 0;
            int at = -1;
            long differing = 0;
            for (int k = 0; k < a.length; k++) {
                int d = Math.abs((a[k] & 0xff) - (g.get(k) & 0xff));
                if (d != 0) {
                    differing++;
                    if (d > max) {
                        max = d;
                        at = k;
                    }
                }
            }
            String detail = max == 0 ? "exact"
                    : differing + " of " + a.length + " bytes differ; max " + max + " at [y=" + (at / 3 / actual.width())
                    + ", x=" + (at / 3 % actual.width()) + ", c=" + (at % 3) + "]";
            return new Result(name, max, max == 0, max == 0, detail);
        } catch (RuntimeException ex) {
            return new Result(name, Double.NaN, false, false, "error: " + ex);
        }
    }

    private static Result checkPixelValues(TensorFile file, String name, ClipImageProcessor p, RgbFrame frame) {
        if (!file.names().contains(name)) {
            return new Result(name, Double.NaN, false, false, "missing from the file");
        }
        try {
            StoredTensor golden = file.get(name);
            int[] out = p.outputSize(frame.width(), frame.height());
            long[] expectedShape = {3, out[1], out[0]};
            if (golden.dtype() != DType.F32 || !Arrays.equals(golden.shape(), expectedShape)) {
                return new Result(name, Double.NaN, false, false, "golden is " + golden.dtype() + " "
                        + Arrays.toString(golden.shape()) + ", processor gives F32 " + Arrays.toString(expectedShape));
            }
            float[] g = golden.toFloatArray();
            float[] a = p.toPixelValues(frame);
            double max = 0;
            int at = -1;
            double sum = 0;
            boolean exact = true;
            boolean nan = false;
            for (int k = 0; k < a.length; k++) {
                if (Float.isNaN(a[k]) || Float.isNaN(g[k])) {
                    nan = true;
                    exact = false;
                    continue;
                }
                if (Float.floatToIntBits(a[k]) != Float.floatToIntBits(g[k])) {
                    exact = false;
                }
                double d = Math.abs((double) a[k] - (double) g[k]);
                sum += d;
                if (d > max) {
                    max = d;
                    at = k;
                }
            }
            boolean passed = !nan && max <= PIXEL_TOLERANCE;
            int plane = out[0] * out[1];
            String detail;
            if (nan) {
                detail = "NaN values";
            } else if (exact) {
                detail = "exact";
            } else {
                detail = String.format(Locale.ROOT, "max |Δ| %.3g at [c=%d, y=%d, x=%d], mean |Δ| %.3g", max,
                        at / plane, at % plane / out[0], at % out[0], sum / a.length);
            }
            return new Result(name, nan ? Double.NaN : max, exact, passed, detail);
        } catch (RuntimeException ex) {
            return new Result(name, Double.NaN, false, false, "error: " + ex);
        }
    }
}
