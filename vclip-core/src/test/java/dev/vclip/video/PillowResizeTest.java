package dev.vclip.video;

import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.TensorFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PillowResizeTest {

    private static TensorFile file;

    @BeforeAll
    static void open() {
        file = FramesFixture.open();
    }

    @AfterAll
    static void close() {
        file.close();
    }

    static Stream<Arguments> framesAndSizes() {
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < FramesFixture.FRAME_COUNT; i++) {
            out.add(Arguments.of(i, 224, "resized_" + i));
            out.add(Arguments.of(i, 112, "resized112_" + i));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "frame_{0} at {1} equals {2} exactly")
    @MethodSource("framesAndSizes")
    void resizeMatchesPillowExactly(int i, int size, String goldenName) {
        RgbFrame frame = FramesFixture.frame(file.get("frame_" + i));
        StoredTensor golden = file.get(goldenName);
        RgbFrame expected = FramesFixture.frame(golden);
        int[] wh = ClipImageProcessor.shortestEdgeSize(frame.width(), frame.height(), size);
        RgbFrame actual = PillowResize.resizeBicubic(frame, wh[0], wh[1]);
        assertEquals(expected.width(), actual.width(), "width");
        assertEquals(expected.height(), actual.height(), "height");
        int diff = 0;
        for (int k = 0; k < actual.rgb().length; k++) {
            diff = Math.max(diff, Math.abs((actual.rgb()[k] & 0xff) - (expected.rgb()[k] & 0xff)));
        }
        System.out.printf(Locale.ROOT, "%s (%dx%d -> %dx%d): max |Δ| = %d (uint8 units)%n", goldenName, frame.width(),
                frame.height(), actual.width(), actual.height(), diff);
        assertArrayEquals(expected.rgb(), actual.rgb(), goldenName);
    }

    @Test
    void sameSizeIsACopy() {
        RgbFrame f = randomFrame(new Random(1), 17, 9);
        RgbFrame r = PillowResize.resizeBicubic(f, 17, 9);
        assertEquals(f, r);
        assertNotSame(f.rgb(), r.rgb());
    }

    @Test
    void uniformImageStaysUniform() {
        // Weights sum to 1 in fixed point within rounding, so a flat image must come back flat.
        for (int value : new int[] {0, 1, 127, 254, 255}) {
            byte[] rgb = new byte[31 * 23 * 3];
            java.util.Arrays.fill(rgb, (byte) value);
            RgbFrame f = new RgbFrame(31, 23, rgb);
            for (int[] s : new int[][] {{7, 5}, {64, 50}, {31, 100}, {3, 23}, {1, 1}}) {
                RgbFrame r = PillowResize.resizeBicubic(f, s[0], s[1]);
                for (byte b : r.rgb()) {
                    assertEquals(value, b & 0xff, "value " + value + " at " + s[0] + "x" + s[1]);
                }
            }
        }
    }

    @Test
    void windowEqualsTheSameRegionOfTheFullResize() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 60; trial++) {
            int inW = 1 + rnd.nextInt(90);
            int inH = 1 + rnd.nextInt(90);
            RgbFrame f = randomFrame(rnd, inW, inH);
            int outW = rnd.nextInt(4) == 0 ? inW : 1 + rnd.nextInt(120);
            int outH = rnd.nextInt(4) == 0 ? inH : 1 + rnd.nextInt(120);
            RgbFrame full = PillowResize.resizeBicubic(f, outW, outH);
            int w = 1 + rnd.nextInt(outW + 10);
            int h = 1 + rnd.nextInt(outH + 10);
            int left = rnd.nextInt(outW + 10) - 8;
            int top = rnd.nextInt(outH + 10) - 8;
            RgbFrame win = PillowResize.resizeBicubicWindow(f, outW, outH, left, top, w, h);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sx = x + left;
                    int sy = y + top;
                    boolean inside = sx >= 0 && sy >= 0 && sx < outW && sy < outH;
                    for (int c = 0; c < 3; c++) {
                        int expected = inside ? full.get(sx, sy, c) : 0;
                        assertEquals(expected, win.get(x, y, c), "trial " + trial);
                    }
                }
            }
        }
    }

    @Test
    void rejectsBadSizes() {
        RgbFrame f = RgbFrame.black(4, 4);
        assertThrows(IllegalArgumentException.class, () -> PillowResize.resizeBicubic(f, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> PillowResize.resizeBicubicWindow(f, 4, 4, 0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RgbFrame(2, 2, new byte[11]));
    }

    @Test
    void bufferedImageRoundTrip() {
        RgbFrame f = randomFrame(new Random(7), 13, 6);
        assertEquals(f, RgbFrame.fromBufferedImage(f.toBufferedImage()));
        java.awt.image.BufferedImage argb = new java.awt.image.BufferedImage(13, 6,
                java.awt.image.BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(3, 2, 0xff123456);
        RgbFrame g = RgbFrame.fromBufferedImage(argb);
        assertEquals(0x12, g.get(3, 2, 0));
        assertEquals(0x34, g.get(3, 2, 1));
        assertEquals(0x56, g.get(3, 2, 2));
    }

    @Test
    void timing() {
        // Informational only: a 640x360 frame through the 224 pipeline (resize of the crop window + normalise).
        RgbFrame f = randomFrame(new Random(3), 640, 360);
        ClipImageProcessor p = ClipImageProcessor.forImageSize(224);
        float[] out = new float[p.outputLength(640, 360)];
        RgbFrame big = randomFrame(new Random(4), 1920, 1080);
        double crop = 0;
        double full = 0;
        double hd = 0;
        for (int round = 0; round < 3; round++) { // the first rounds warm the JIT up; the last one is printed
            int n = 200;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                p.toPixelValues(f, out, 0);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                PillowResize.resizeBicubic(f, 398, 224);
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < n / 10; i++) {
                p.toPixelValues(big, out, 0);
            }
            long t3 = System.nanoTime();
            crop = (t1 - t0) / 1e6 / n;
            full = (t2 - t1) / 1e6 / n;
            hd = (t3 - t2) / 1e6 / (n / 10);
        }
        System.out.printf(Locale.ROOT, "timing (one thread): 640x360 -> 224x224 pixel_values %.3f ms/frame; "
                + "full 640x360 -> 398x224 resize %.3f ms; 1920x1080 -> 224x224 pixel_values %.3f ms/frame%n",
                crop, full, hd);
    }

    static RgbFrame randomFrame(Random rnd, int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        rnd.nextBytes(rgb);
        return new RgbFrame(w, h, rgb);
    }
}
