package dev.vclip.video;

import dev.vclip.video.DecodeTestVideos.Kind;
import dev.vclip.video.Sampling.Window;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sampling strategies against examples worked out by hand from the reference arithmetic (mmaction2's
 * {@code SampleFrames} as X-CLIP copies it; CenterCLIP's {@code uniform_sampling}; FFmpeg's fps filter).
 */
class SamplingTest {

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------- segment middle

    @Test
    void segmentMiddleMatchesGetTestClips() {
        // avg_interval = 300 / 8 = 37.5; offsets int(37.5 k + 18.75)
        assertArrayEquals(new int[] {18, 56, 93, 131, 168, 206, 243, 281}, Sampling.segmentMiddle(300, 8));
        // avg = 4: 2, 6, ..., 30
        assertArrayEquals(new int[] {2, 6, 10, 14, 18, 22, 26, 30}, Sampling.segmentMiddle(32, 8));
        // avg = 2.5: int(1.25), int(3.75), int(6.25), int(8.75)
        assertArrayEquals(new int[] {1, 3, 6, 8}, Sampling.segmentMiddle(10, 4));
        // avg = 10 / 3 = 3.333...: int(1.6667), int(5.0), int(8.3333)
        assertArrayEquals(new int[] {1, 5, 8}, Sampling.segmentMiddle(10, 3));
        assertArrayEquals(new int[] {0}, Sampling.segmentMiddle(1, 1));
    }

    @Test
    void segmentMiddleOnVideosShorterThanT() {
        // 3 frames, T = 8: avg 0.375, offsets 0.1875, 0.5625, 0.9375, 1.3125, 1.6875, 2.0625, 2.4375, 2.8125
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 2, 2, 2}, Sampling.segmentMiddle(3, 8));
        // 1 frame: everything is frame 0
        assertArrayEquals(new int[] {0, 0, 0, 0}, Sampling.segmentMiddle(1, 4));
        // 5 frames, T = 5: the frames themselves (avg 1, + 0.5)
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Sampling.segmentMiddle(5, 5));
    }

    @Test
    void segmentMiddleViews() {
        // avg 2.5; view 0 shift 2.5/4 = 0.625, view 1 shift 2.5*3/4 = 1.875
        int[][] v = Sampling.segmentMiddle(10, 4, 2);
        assertArrayEquals(new int[] {0, 3, 5, 8}, v[0]);
        assertArrayEquals(new int[] {1, 4, 6, 9}, v[1]);
        // One view is the reference's test clip exactly.
        assertArrayEquals(Sampling.segmentMiddle(300, 8), Sampling.segmentMiddle(300, 8, 1)[0]);
        Sampling s = new Sampling.SegmentMiddle(4, 2);
        assertEquals("middle", s.name());
        assertArrayEquals(new int[] {0, 3, 5, 8, 1, 4, 6, 9}, s.indices(10, 30));
    }

    // ---------------------------------------------------------------------------------------- TSN random

    @Test
    void tsnRandomStaysInItsSegmentAndIsSeeded() {
        // avg_interval = 300 // 8 = 37: frame k in [37k, 37k + 37)
        for (int seed = 0; seed < 50; seed++) {
            int[] idx = Sampling.tsnRandom(300, 8, new Random(seed));
            for (int k = 0; k < 8; k++) {
                assertTrue(idx[k] >= 37 * k && idx[k] < 37 * k + 37, "segment " + k + ": " + idx[k]);
            }
            assertArrayEquals(idx, Sampling.tsnRandom(300, 8, new Random(seed)), "same seed, same frames");
        }
        // It does draw different frames (not always the same offset).
        boolean differs = false;
        for (int seed = 1; seed < 20 && !differs; seed++) {
            differs = !java.util.Arrays.equals(Sampling.tsnRandom(300, 8, new Random(0)),
                    Sampling.tsnRandom(300, 8, new Random(seed)));
        }
        assertTrue(differs);
        // Exactly divisible: 16 frames, 8 segments -> avg 2, frame in {2k, 2k + 1}
        int[] idx = Sampling.tsnRandom(16, 8, new Random(3));
        for (int k = 0; k < 8; k++) {
            assertTrue(idx[k] == 2 * k || idx[k] == 2 * k + 1);
        }
    }

    @Test
    void tsnRandomOnShortVideosRoundsHalfToEven() {
        // 5 frames, 8 segments: avg_interval 0 -> np.around(arange(8) * 0.625)
        // = around(0, .625, 1.25, 1.875, 2.5, 3.125, 3.75, 4.375) = 0, 1, 1, 2, 2 (half to even), 3, 4, 4
        assertArrayEquals(new int[] {0, 1, 1, 2, 2, 3, 4, 4}, Sampling.tsnRandom(5, 8, new Random(0)));
        // 1 frame: all zeros
        assertArrayEquals(new int[] {0, 0, 0}, Sampling.tsnRandom(1, 3, new Random(0)));
    }

    @Test
    void tsnViewsAreIndependentDraws() {
        Random r = new Random(42);
        int[][] views = Sampling.tsnRandomViews(300, 8, 3, r);
        assertEquals(3, views.length);
        Random again = new Random(42);
        for (int[] view : views) {
            assertArrayEquals(Sampling.tsnRandom(300, 8, again), view);
        }
        Sampling s = new Sampling.TsnRandom(8, 7L);
        assertEquals("tsn", s.name());
        assertArrayEquals(Sampling.tsnRandom(300, 8, new Random(7L)), s.indices(300, 30));
    }

    // ---------------------------------------------------------------------------------------- fixed fps

    @Test
    void fixedFpsByHand() {
        // 30 -> 3 fps, 300 frames: slot k shows frame ceil((k + 0.5) * 10) - 1 = 10k + 4
        int[] all = Sampling.fixedFps(300, 30, 3, 1000);
        assertEquals(30, all.length);
        for (int k = 0; k < 30; k++) {
            assertEquals(10 * k + 4, all[k]);
        }
        // Capped at 8 by CenterCLIP's uniform_sampling over the 30 resampled frames: tick 3.75,
        // int(1.875 + 3.75 x) = 1, 5, 9, 13, 16, 20, 24, 28 -> frames 14, 54, 94, 134, 164, 204, 244, 284
        assertArrayEquals(new int[] {14, 54, 94, 134, 164, 204, 244, 284}, Sampling.fixedFps(300, 30, 3, 8));
        // 25 -> 10 fps: step 2.5: ceil(1.25)-1 = 1, ceil(3.75)-1 = 3, ceil(6.25)-1 = 6, ceil(8.75)-1 = 8, ...
        assertArrayEquals(new int[] {1, 3, 6, 8, 11, 13, 16, 18}, Sampling.fixedFps(20, 25, 10, 100));
        // Target at or above the source rate: every frame.
        assertArrayEquals(new int[] {0, 1, 2, 3}, Sampling.fixedFps(4, 24, 30, 100));
        // Short video: 4 frames at 30 fps -> 3 fps: slot 0 would be frame 4, past the end (FFmpeg outputs
        // nothing for such a clip); the documented rule returns the last frame instead of nothing.
        assertArrayEquals(new int[] {3}, Sampling.fixedFps(4, 30, 3, 10));
        Sampling s = new Sampling.FixedFps(3, 8);
        assertEquals("fps", s.name());
        assertArrayEquals(Sampling.fixedFps(300, 30, 3, 8), s.indices(300, 30));
    }

    /** The same frames the fps filter of this FFmpeg build keeps, on a video whose frames show their index. */
    @ParameterizedTest
    @ValueSource(doubles = {3, 7, 4, 12.5})
    void fixedFpsMatchesFfmpegsFpsFilter(double target) throws Exception {
        Path v = DecodeTestVideos.write(dir.resolve("fps.mp4"), Kind.H264_MP4, 150, 250);
        List<Integer> kept = new ArrayList<>();
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(v.toFile())) {
            g.setPixelFormat(AV_PIX_FMT_RGB24);
            g.start();
            try (FFmpegFrameFilter f = new FFmpegFrameFilter("fps=" + target, g.getImageWidth(), g.getImageHeight())) {
                f.setPixelFormat(AV_PIX_FMT_RGB24);
                f.setFrameRate(g.getFrameRate());
                f.start();
                Frame fr;
                while ((fr = g.grabImage()) != null) {
                    f.push(fr);
                    pull(f, kept);
                }
                f.push(null);
                pull(f, kept);
                f.stop();
            }
            g.stop();
        }
        int[] expected = kept.stream().mapToInt(Integer::intValue).toArray();
        assertArrayEquals(expected, Sampling.fixedFps(150, 30, target, 10_000), "fps=" + target);
    }

    private static void pull(FFmpegFrameFilter f, List<Integer> out) throws Exception {
        Frame o;
        while ((o = f.pull()) != null) {
            ByteBuffer b = (ByteBuffer) o.image[0];
            byte[] rgb = new byte[o.imageWidth * o.imageHeight * 3];
            for (int y = 0; y < o.imageHeight; y++) {
                b.get(y * o.imageStride, rgb, y * o.imageWidth * 3, o.imageWidth * 3);
            }
            out.add(DecodeTestVideos.indexOf(new RgbFrame(o.imageWidth, o.imageHeight, rgb)));
        }
    }

    // ---------------------------------------------------------------------------------------- windows, ranges

    @Test
    void slidingWindows() {
        // 40 frames, W16 S8: 0, 8, 16, 24 (24 + 16 = 40 fits exactly), no tail window needed
        assertEquals(List.of(new Window(0, 16), new Window(8, 24), new Window(16, 32), new Window(24, 40)),
                Sampling.slidingWindows(40));
        // 45 frames: the same four, then a window aligned to the end, [29, 45)
        assertEquals(List.of(new Window(0, 16), new Window(8, 24), new Window(16, 32), new Window(24, 40),
                new Window(29, 45)), Sampling.slidingWindows(45, 16, 8));
        // Shorter than a window: one window with what there is
        assertEquals(List.of(new Window(0, 10)), Sampling.slidingWindows(10, 16, 8));
        assertEquals(List.of(new Window(0, 16)), Sampling.slidingWindows(16, 16, 8));
        // 17 frames: [0, 16) then the end-aligned [1, 17)
        assertEquals(List.of(new Window(0, 16), new Window(1, 17)), Sampling.slidingWindows(17, 16, 8));
        // Stride larger than the window: gaps are allowed, but the end is still covered
        assertEquals(List.of(new Window(0, 4), new Window(10, 14), new Window(16, 20)),
                Sampling.slidingWindows(20, 4, 10));
        for (Window w : Sampling.slidingWindows(1000, 16, 8)) {
            assertEquals(16, w.length());
        }
        assertArrayEquals(new int[] {29, 30, 31}, new Window(29, 32).indices());
    }

    @Test
    void frameRange() {
        // [100, 200), 4 frames: avg 25 -> 12, 37, 62, 87 -> +100
        assertArrayEquals(new int[] {112, 137, 162, 187}, Sampling.frameRange(100, 200, 4));
        // [10, 13), 4 frames: avg 0.75 -> int(0.375, 1.125, 1.875, 2.625) = 0, 1, 1, 2 -> +10
        assertArrayEquals(new int[] {10, 11, 11, 12}, Sampling.frameRange(10, 13, 4));
        // The record clips the range to the video.
        Sampling r = new Sampling.FrameRange(280, 400, 4);
        assertEquals("range", r.name());
        assertArrayEquals(Sampling.frameRange(280, 300, 4), r.indices(300, 30));
        assertThrows(IllegalArgumentException.class, () -> r.indices(200, 30));
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> Sampling.segmentMiddle(0, 8));
        assertThrows(IllegalArgumentException.class, () -> Sampling.segmentMiddle(10, 0));
        assertThrows(IllegalArgumentException.class, () -> Sampling.tsnRandom(10, 0, new Random()));
        assertThrows(IllegalArgumentException.class, () -> Sampling.fixedFps(10, 0, 3, 8));
        assertThrows(IllegalArgumentException.class, () -> Sampling.slidingWindows(10, 16, 0));
        assertThrows(IllegalArgumentException.class, () -> Sampling.frameRange(5, 5, 3));
        assertThrows(IllegalArgumentException.class, () -> new Sampling.FixedFps(-1, 8));
        assertFalse(new Sampling.SegmentMiddle(8, 1).equals(new Sampling.SegmentMiddle(8, 2)));
    }
}
