package dev.vclip.video;

import dev.vclip.weights.TensorFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipImageProcessorTest {

    @TempDir
    Path dir;

    @Test
    void outputSizeRuleTruncates() {
        assertArrayEquals(new int[] {224, 224}, ClipImageProcessor.shortestEdgeSize(225, 226, 224));
        assertArrayEquals(new int[] {224, 224}, ClipImageProcessor.shortestEdgeSize(226, 225, 224));
        assertArrayEquals(new int[] {298, 224}, ClipImageProcessor.shortestEdgeSize(320, 240, 224));
        assertArrayEquals(new int[] {224, 298}, ClipImageProcessor.shortestEdgeSize(240, 320, 224));
        assertArrayEquals(new int[] {224, 672}, ClipImageProcessor.shortestEdgeSize(100, 300, 224));
        assertArrayEquals(new int[] {398, 224}, ClipImageProcessor.shortestEdgeSize(640, 360, 224));
        assertArrayEquals(new int[] {224, 320}, ClipImageProcessor.shortestEdgeSize(37, 53, 224));
        assertArrayEquals(new int[] {299, 224}, ClipImageProcessor.shortestEdgeSize(321, 240, 224));
        assertArrayEquals(new int[] {199, 112}, ClipImageProcessor.shortestEdgeSize(960, 540, 112));
        assertArrayEquals(new int[] {112, 160}, ClipImageProcessor.shortestEdgeSize(37, 53, 112));
        // Equal to the integer division (S * long) / short.
        Random rnd = new Random(5);
        for (int t = 0; t < 100_000; t++) {
            int w = 1 + rnd.nextInt(8000);
            int h = 1 + rnd.nextInt(8000);
            int s = 1 + rnd.nextInt(1024);
            int[] r = ClipImageProcessor.shortestEdgeSize(w, h, s);
            int expectedLong = (int) ((long) s * Math.max(w, h) / Math.min(w, h));
            assertEquals(s, Math.min(w, h) == w ? r[0] : r[1]);
            assertEquals(expectedLong, w <= h ? r[1] : r[0]);
        }
    }

    @Test
    void cropOffsetsAreFloored() {
        // README table: (frame W x H) -> resized (224 and 112) and crop offset (top, left).
        int[][] table = {
                // w, h, rw224, rh224, top224, left224, rw112, rh112, top112, left112
                {320, 240, 298, 224, 0, 37, 149, 112, 0, 18},
                {240, 320, 224, 298, 37, 0, 112, 149, 18, 0},
                {224, 224, 224, 224, 0, 0, 112, 112, 0, 0},
                {100, 300, 224, 672, 224, 0, 112, 336, 112, 0},
                {640, 360, 398, 224, 0, 87, 199, 112, 0, 43},
                {37, 53, 224, 320, 48, 0, 112, 160, 24, 0},
                {321, 240, 299, 224, 0, 37, 149, 112, 0, 18},
                {960, 540, 398, 224, 0, 87, 199, 112, 0, 43},
        };
        for (int[] row : table) {
            for (int v = 0; v < 2; v++) {
                int s = v == 0 ? 224 : 112;
                int[] size = ClipImageProcessor.forImageSize(s).resizedSize(row[0], row[1]);
                assertArrayEquals(new int[] {row[2 + 4 * v], row[3 + 4 * v]}, size, row[0] + "x" + row[1] + " @" + s);
                int[] off = ClipImageProcessor.centerCropOffset(size[0], size[1], s, s);
                assertArrayEquals(new int[] {row[4 + 4 * v], row[5 + 4 * v]}, off, row[0] + "x" + row[1] + " @" + s);
            }
        }
        // Margin 75 (3 mod 4): floor gives 37 where torchvision's round-half-even gives 38.
        assertArrayEquals(new int[] {0, 37}, ClipImageProcessor.centerCropOffset(299, 224, 224, 224));
        // Image smaller than the crop: negative (zero padding).
        assertArrayEquals(new int[] {-2, -1}, ClipImageProcessor.centerCropOffset(6, 5, 8, 8));
    }

    @Test
    void pixelValuesMatchGoldens() {
        try (TensorFile file = FramesFixture.open()) {
            double worst = 0;
            for (int i = 0; i < FramesFixture.FRAME_COUNT; i++) {
                RgbFrame frame = FramesFixture.frame(file.get("frame_" + i));
                for (int s : new int[] {224, 112}) {
                    String name = (s == 224 ? "pixel_values_" : "pixel_values112_") + i;
                    float[] expected = file.get(name).toFloatArray();
                    ClipImageProcessor p = ClipImageProcessor.forImageSize(s);
                    float[] actual = p.toPixelValues(frame);
                    assertEquals(expected.length, actual.length, name);
                    double max = 0;
                    for (int k = 0; k < actual.length; k++) {
                        max = Math.max(max, Math.abs((double) actual[k] - expected[k]));
                    }
                    System.out.printf(Locale.ROOT, "%s: max |Δ| = %s%n", name, max);
                    worst = Math.max(worst, max);
                    assertTrue(max <= 1e-6, name + ": max |Δ| " + max);
                }
            }
            System.out.printf(Locale.ROOT, "pixel_values: worst max |Δ| over all frames = %s%n", worst);
        }
    }

    @Test
    void batchHelperWritesAtOffsetsAndMatchesSingleFrames() {
        Random rnd = new Random(11);
        ClipImageProcessor p = ClipImageProcessor.forImageSize(32);
        List<RgbFrame> frames = List.of(PillowResizeTest.randomFrame(rnd, 64, 48),
                PillowResizeTest.randomFrame(rnd, 40, 90), PillowResizeTest.randomFrame(rnd, 32, 32));
        int n = p.outputLength(64, 48);
        assertEquals(3 * 32 * 32, n);
        float[] batch = p.toPixelValues(frames);
        assertEquals(3 * n, batch.length);
        float[] buf = new float[5 + 3 * n];
        for (int i = 0; i < 3; i++) {
            assertEquals(n, p.toPixelValues(frames.get(i), buf, 5 + i * n));
            float[] single = p.toPixelValues(frames.get(i));
            for (int k = 0; k < n; k++) {
                assertEquals(single[k], batch[i * n + k]);
                assertEquals(single[k], buf[5 + i * n + k]);
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> p.toPixelValues(frames.get(0), new float[n], 1));
    }

    @Test
    void normalisationIsFloat32AsInNumpy() {
        ClipImageProcessor p = ClipImageProcessor.forImageSize(1);
        float[] mean = {0.48145466f, 0.4578275f, 0.40821073f};
        float[] std = {0.26862954f, 0.26130258f, 0.27577711f};
        for (int u = 0; u < 256; u++) {
            byte[] rgb = {(byte) u, (byte) u, (byte) u};
            float[] v = p.toPixelValues(new RgbFrame(1, 1, rgb));
            float x = (float) (u * (1 / 255.0));
            assertEquals(u / 255f, x); // README: bit-identical for all 256 values
            for (int c = 0; c < 3; c++) {
                assertEquals((x - mean[c]) / std[c], v[c], "u=" + u + " c=" + c);
            }
        }
    }

    @Test
    void smallImagesArePaddedWithZerosLikeHf() {
        // No resize, crop 4x5 of a 3x2 image (w x h): HF pads to 5x4... here crop (h=4, w=5) of w=3,h=2.
        byte[] rgb = new byte[3 * 2 * 3];
        for (int k = 0; k < rgb.length; k++) {
            rgb[k] = (byte) (10 + k);
        }
        RgbFrame f = new RgbFrame(3, 2, rgb);
        ClipImageProcessor p = ClipImageProcessor.builder().doResize(false).cropSize(4, 5).build();
        RgbFrame c = p.resizeAndCrop(f);
        assertEquals(5, c.width());
        assertEquals(4, c.height());
        // top_pad = ceil((4-2)/2) = 1, left_pad = ceil((5-3)/2) = 1.
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                boolean inside = y >= 1 && y < 3 && x >= 1 && x < 4;
                for (int ch = 0; ch < 3; ch++) {
                    int expected = inside ? f.get(x - 1, y - 1, ch) : 0;
                    assertEquals(expected, c.get(x, y, ch), x + "," + y);
                }
            }
        }
        // Odd padding: crop 3 of height 2 -> top_pad = ceil(1/2) = 1, image at row 1..2.
        RgbFrame c2 = ClipImageProcessor.builder().doResize(false).cropSize(3, 3).build().resizeAndCrop(f);
        assertEquals(0, c2.get(0, 0, 0));
        assertEquals(f.get(0, 0, 0), c2.get(0, 1, 0));
        // Padding pixels normalise as the byte 0 does.
        float[] pv = ClipImageProcessor.builder().doResize(false).cropSize(4, 5).build().toPixelValues(f);
        assertEquals((0f - 0.48145466f) / 0.26862954f, pv[0]);
    }

    @Test
    void resizeAndCropEqualsCropOfFullResize() {
        Random rnd = new Random(9);
        ClipImageProcessor p = ClipImageProcessor.forImageSize(48);
        for (int t = 0; t < 20; t++) {
            RgbFrame f = PillowResizeTest.randomFrame(rnd, 10 + rnd.nextInt(150), 10 + rnd.nextInt(150));
            RgbFrame full = p.resize(f);
            int[] off = ClipImageProcessor.centerCropOffset(full.width(), full.height(), 48, 48);
            RgbFrame crop = p.resizeAndCrop(f);
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 48; x++) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(full.get(x + off[1], y + off[0], c), crop.get(x, y, c));
                    }
                }
            }
        }
    }

    @Test
    void configWithIntSizes() throws IOException {
        // openai/clip-vit-base-patch32's legacy CLIPFeatureExtractor config.
        Path file = write("""
                {
                  "crop_size": 224,
                  "do_center_crop": true,
                  "do_normalize": true,
                  "do_resize": true,
                  "feature_extractor_type": "CLIPFeatureExtractor",
                  "image_mean": [0.48145466, 0.4578275, 0.40821073],
                  "image_std": [0.26862954, 0.26130258, 0.27577711],
                  "resample": 3,
                  "size": 224
                }
                """);
        ClipImageProcessor p = ClipImageProcessor.fromPreprocessorConfig(file);
        assertEquals(224, p.shortestEdge());
        assertEquals(224, p.cropHeight());
        assertEquals(224, p.cropWidth());
        assertTrue(p.doRescale());
        assertEquals(1 / 255.0, p.rescaleFactor());
        RgbFrame f = PillowResizeTest.randomFrame(new Random(2), 90, 70);
        assertArrayEquals(ClipImageProcessor.forImageSize(224).toPixelValues(f), p.toPixelValues(f));
    }

    @Test
    void configWithDictSizes() throws IOException {
        Path file = write("""
                {
                  "crop_size": {"height": 112, "width": 96},
                  "do_center_crop": true,
                  "do_convert_rgb": true,
                  "do_normalize": false,
                  "do_rescale": true,
                  "do_resize": true,
                  "image_mean": [0.5, 0.5, 0.5],
                  "image_processor_type": "CLIPImageProcessor",
                  "image_std": 0.5,
                  "resample": 3,
                  "rescale_factor": 0.00392156862745098,
                  "size": {"shortest_edge": 128}
                }
                """);
        ClipImageProcessor p = ClipImageProcessor.fromPreprocessorConfig(file);
        assertEquals(128, p.shortestEdge());
        assertEquals(112, p.cropHeight());
        assertEquals(96, p.cropWidth());
        assertFalse(p.doNormalize());
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, p.std());
        assertEquals(1 / 255.0, p.rescaleFactor());
        assertArrayEquals(new int[] {96, 112}, p.outputSize(300, 200));
        float[] v = p.toPixelValues(RgbFrame.black(300, 200));
        assertEquals(3 * 112 * 96, v.length);
        assertEquals(0f, v[0]);

        Path hw = write("""
                {"size": {"height": 50, "width": 60}, "do_center_crop": false}
                """);
        ClipImageProcessor q = ClipImageProcessor.fromPreprocessorConfig(hw);
        assertArrayEquals(new int[] {60, 50}, q.outputSize(300, 200));
        assertEquals(3 * 50 * 60, q.toPixelValues(RgbFrame.black(300, 200)).length);

        // Missing keys take HF's defaults: shortest edge 224, crop 224.
        ClipImageProcessor d = ClipImageProcessor.fromPreprocessorConfig(write("{}"));
        assertEquals(224, d.shortestEdge());
        assertEquals(224, d.cropHeight());
    }

    @Test
    void configErrorsNameTheFileAndKey() throws IOException {
        assertConfigError("{\"size\": \"224\"}", "'size'");
        assertConfigError("{\"size\": 224.5}", "'size'");
        assertConfigError("{\"size\": {\"longest_edge\": 224}}", "'size'");
        assertConfigError("{\"size\": {\"shortest_edge\": \"x\"}}", "'size.shortest_edge'");
        assertConfigError("{\"size\": {\"shortest_edge\": 0}}", "'size.shortest_edge'");
        assertConfigError("{\"crop_size\": [224, 224]}", "'crop_size'");
        assertConfigError("{\"crop_size\": {\"height\": 224, \"width\": true}}", "'crop_size.width'");
        assertConfigError("{\"image_mean\": [0.5, 0.5]}", "'image_mean'");
        assertConfigError("{\"image_mean\": \"imagenet\"}", "'image_mean'");
        assertConfigError("{\"image_std\": [0.5, 0, 0.5]}", "'image_std'");
        assertConfigError("{\"do_resize\": \"yes\"}", "'do_resize'");
        assertConfigError("{\"do_center_crop\": 1}", "'do_center_crop'");
        assertConfigError("{\"do_normalize\": null, \"do_rescale\": \"true\"}", "'do_rescale'");
        assertConfigError("{\"do_convert_rgb\": \"no\"}", "'do_convert_rgb'");
        assertConfigError("{\"rescale_factor\": \"1/255\"}", "'rescale_factor'");
        assertConfigError("{\"resample\": \"bicubic\"}", "'resample'");
        String bilinear = assertConfigError("{\"resample\": 2}", "'resample'");
        assertTrue(bilinear.contains("only 3 (BICUBIC) is supported"), bilinear);
        assertConfigError("[1, 2]", "JSON object");
        assertConfigError("{\"size\": ", "not valid JSON");
    }

    private String assertConfigError(String json, String fragment) throws IOException {
        Path file = write(json);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipImageProcessor.fromPreprocessorConfig(file), json);
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        return e.getMessage();
    }

    private int counter;

    private Path write(String json) throws IOException {
        Path file = dir.resolve("config" + (counter++)).resolve("preprocessor_config.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
        return file;
    }
}
