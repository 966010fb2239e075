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
    // ---------------------------------------------------------------------------------------- CLIP4Clip

    @Test
    void clip4clipTakesTheFirstFrameOfEverySecondAtTheIntegerRate() {
        // 10 s at 29.97 fps = 300 frames. fps = int(29.97) = 29; total_duration = (300 + 28) // 29 = 11;
        // seconds 0..11 read frames 29·sec: 0, 29, ..., 290, and 319 does not exist, so 11 frames.
        int[] expected = {0, 29, 58, 87, 116, 145, 174, 203, 232, 261, 290};
        assertArrayEquals(expected, Sampling.clip4clipSeconds(300, 29.97, 1, 0));
        // fewer than max_frames (12): all of them, nothing padded
        assertArrayEquals(expected, new Sampling.Clip4ClipFrames(12, Sampling.FrameSlice.UNIFORM).indices(300, 29.97));
    }

    @Test
    void clip4clipSliceFramePosKeepsHeadTailOrLinspace() {
        // the 11 frames above, max_frames 4
        assertArrayEquals(new int[] {0, 29, 58, 87},
                new Sampling.Clip4ClipFrames(4, Sampling.FrameSlice.HEAD).indices(300, 29.97));
        assertArrayEquals(new int[] {203, 232, 261, 290},
                new Sampling.Clip4ClipFrames(4, Sampling.FrameSlice.TAIL).indices(300, 29.97));
        // np.linspace(0, 10, num=4, dtype=int) = [0, 3, 6, 10] (step 10/3: 0, 3.33, 6.67, 10) -> frames 0, 87, 174, 290
        assertArrayEquals(new int[] {0, 3, 6, 10}, Sampling.linspaceInt(10, 4));
        assertArrayEquals(new int[] {0, 87, 174, 290},
                new Sampling.Clip4ClipFrames(4, Sampling.FrameSlice.UNIFORM).indices(300, 29.97));
        // np.linspace(0, 99, num=12, dtype=int): step 9
        assertArrayEquals(new int[] {0, 9, 18, 27, 36, 45, 54, 63, 72, 81, 90, 99}, Sampling.linspaceInt(99, 12));
        assertArrayEquals(new int[] {0}, Sampling.linspaceInt(7, 1));
        assertEquals(Sampling.FrameSlice.TAIL, Sampling.FrameSlice.ofCode(1));
        assertEquals(2, Sampling.FrameSlice.UNIFORM.code());
        assertThrows(IllegalArgumentException.class, () -> Sampling.FrameSlice.ofCode(3));
    }

    @Test
    void clip4clipShortVideosGiveFewerFrames() {
        // 3 s at 25 fps: seconds 0..3 -> 0, 25, 50 (75 does not exist)
        assertArrayEquals(new int[] {0, 25, 50}, new Sampling.Clip4ClipFrames(12, Sampling.FrameSlice.UNIFORM)
                .indices(75, 25));
        // under a second: frame 0 alone
        assertArrayEquals(new int[] {0}, Sampling.clip4clipSeconds(10, 30, 1, 0));
    }

    @Test
    void clip4clipFrameRates() {
        // sample_fp 2 at 30 fps: interval 15, inds [0, 15]; 61 frames, total_duration 3 -> 0 15 30 45 60 (75 missing)
        assertArrayEquals(new int[] {0, 15, 30, 45, 60}, Sampling.clip4clipSeconds(61, 30, 2, 0));
        // sample_fp 3 at int(29.97) = 29: interval 9, arange(0, 29, 9)[:3] = [0, 9, 18]
        assertArrayEquals(new int[] {0, 9, 18, 29, 38, 47}, Sampling.clip4clipSeconds(58, 29.97, 3, 0));
        // sample_fp 0: every frame
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Sampling.clip4clipSeconds(5, 30, 0, 0));
        // sample_fp above the video's rate (the reference asserts): every frame
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Sampling.clip4clipSeconds(5, 2, 5, 0));
        // a rate below 1 fps (the reference divides by zero): counted as 1, every frame a second
        assertArrayEquals(new int[] {0, 1, 2}, Sampling.clip4clipSeconds(3, 0.5, 1, 0));
    }

    @Test
    void clip4clipEndSecondStopsAfterThatSecond() {
        // DiDeMo's end_time 31 on a 60 s video at 30 fps: seconds 0..31, 32 frames 0, 30, ..., 930
        int[] frames = Sampling.clip4clipSeconds(1800, 30, 1, 31);
        assertEquals(32, frames.length);
        assertEquals(930, frames[31]);
        // an end past the video changes nothing
        assertArrayEquals(Sampling.clip4clipSeconds(300, 30, 1, 0), Sampling.clip4clipSeconds(300, 30, 1, 31));
        assertThrows(IllegalArgumentException.class, () -> new Sampling.Clip4ClipFrames(1, 4,
                Sampling.FrameSlice.HEAD, -1));
        assertThrows(IllegalArgumentException.class, () -> new Sampling.Clip4ClipFrames(-1, 4,
                Sampling.FrameSlice.HEAD, 0));
        assertEquals("clip4clip", new Sampling.Clip4ClipFrames(4, Sampling.FrameSlice.HEAD).name());
    }

    // ---------------------------------------------------------------------------------------- CenterCLIP

    @Test
    void centerClipTakesSegmentMiddlesOfTheVideoAsGiven() {
        // 10 s re-encoded at 3 fps = 30 frames, max_frames 12: tick 2.5, int(1.25 + 2.5 x)
        assertArrayEquals(new int[] {1, 3, 6, 8, 11, 13, 16, 18, 21, 23, 26, 28},
                new Sampling.CenterClipFrames(12).indices(30, 3));
        // n == max_frames is the short branch: every frame
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, Sampling.centerClipFrames(8, 3, 8, false, 0));
        assertEquals("centerclip", new Sampling.CenterClipFrames(12).name());
    }

    @Test
    void centerClipShortVideosRepeatTheLastFrameOnlyWhenAsked() {
        // np.clip(np.arange(0, 8), 0, 4) = 0 1 2 3 4 4 4 4; the mask marks 5 real frames
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 4, 4, 4}, Sampling.centerClipFrames(5, 3, 8, true, 0));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Sampling.centerClipFrames(5, 3, 8, false, 0));
    }

    @Test
    void centerClipEndSecondKeepsFramesUpToIntEndTimesFps() {
        // end 3 s at 3 fps: frames 0 .. int(3 * 3.0) = 9, n = 10; max 4: tick 2.5 -> 1, 3, 6, 8
        assertArrayEquals(new int[] {1, 3, 6, 8}, new Sampling.CenterClipFrames(4, false, 3).indices(30, 3));
        // past the end of the video: the whole video
        assertArrayEquals(Sampling.centerClipFrames(30, 3, 4, false, 0), Sampling.centerClipFrames(30, 3, 4, false, 60));
    }
}
