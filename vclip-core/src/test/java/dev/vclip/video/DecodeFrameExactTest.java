package dev.vclip.video;

import dev.vclip.video.DecodeTestVideos.Kind;
import dev.vclip.video.FfmpegVideo.ReadStrategy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frame-exactness of {@link FfmpegVideo} on videos whose frames encode their own index: long GOPs (250), B-frames
 * (MPEG-4, PTS != DTS), MP4 and Matroska, through the seek path, the sequential path and the automatic choice.
 */
class DecodeFrameExactTest {

    static final int FRAMES = 300;
    static final int GOP = 250;

    @TempDir
    static Path dir;
    static final Map<Kind, Path> VIDEOS = new EnumMap<>(Kind.class);

    @BeforeAll
    static void writeVideos() throws Exception {
        for (Kind k : Kind.values()) {
            VIDEOS.put(k, DecodeTestVideos.write(dir.resolve("v_" + k + k.extension()), k, FRAMES, GOP));
        }
    }

    /** Indices around and between keyframes, first and last, repeated and unsorted. */
    static int[] trickyIndices(int[] keys, int n) {
        List<Integer> out = new ArrayList<>();
        for (int k : keys) {
            for (int d = -3; d <= 3; d++) {
                if (k + d >= 0 && k + d < n) {
                    out.add(k + d);
                }
            }
        }
        out.addAll(List.of(n - 1, n - 2, 0, 1, 125, 124, 126, 299, 0, 17, 17, 200));
        // Reverse, so the order is descending overall, and interleave a few from the start again.
        List<Integer> mixed = new ArrayList<>();
        for (int i = out.size() - 1; i >= 0; i--) {
            mixed.add(out.get(i));
            if (i % 5 == 0) {
                mixed.add(i % n);
            }
        }
        return mixed.stream().mapToInt(Integer::intValue).toArray();
    }

    static void assertFramesAre(int[] indices, List<RgbFrame> frames, String what) {
        assertEquals(indices.length, frames.size(), what + ": one frame per index");
        int[] got = frames.stream().mapToInt(DecodeTestVideos::indexOf).toArray();
        assertArrayEquals(indices, got, what + ": frame i must show index i");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void infoIsCountedAndUpright(Kind kind) {
        try (FfmpegVideo v = FfmpegVideo.open(VIDEOS.get(kind))) {
            VideoInfo info = v.info();
            assertEquals(FRAMES, info.frameCount());
            assertEquals(30.0, info.fps(), 1e-9);
            assertEquals(FRAMES / 30.0, info.durationSeconds(), 1e-9);
            assertEquals(DecodeTestVideos.WIDTH, info.width());
            assertEquals(DecodeTestVideos.HEIGHT, info.height());
            assertEquals(0, info.rotationDegrees());
            assertEquals(kind.codec, info.codec());
            assertEquals(VIDEOS.get(kind).toString(), info.source());
            assertFalse(v.truncated());
            assertEquals("packet scan", v.countMethod());
            int[] keys = v.keyFrames();
            assertEquals(0, keys[0]);
            // One more keyframe, about GOP frames in (decode order; B-frames shift it by a frame or two).
            assertEquals(2, keys.length, Arrays.toString(keys));
            assertTrue(keys[1] >= GOP && keys[1] <= GOP + kind.bFrames, Arrays.toString(keys));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void sequentialPathDecodesEveryFrame(Kind kind) {
        try (FfmpegVideo v = FfmpegVideo.open(VIDEOS.get(kind)).strategy(ReadStrategy.SEQUENTIAL)) {
            int[] all = IntStream.range(0, FRAMES).toArray();
            List<RgbFrame> frames = v.read(all);
            assertFramesAre(all, frames, kind + " all frames");
            // The pixels themselves, not only the bits: flat black/white blocks survive compression to within a
            // few levels (chroma and block edges aside, which the inner-block check above already skips).
            RgbFrame f = frames.get(150);
            assertTrue(Math.abs(f.get(60, 60, 0) - DecodeTestVideos.expected(150).get(60, 60, 0)) < 16);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void seekPathIsFrameExactAroundKeyframes(Kind kind) {
        try (FfmpegVideo v = FfmpegVideo.open(VIDEOS.get(kind)).strategy(ReadStrategy.SEEK)) {
            int[] idx = trickyIndices(v.keyFrames(), FRAMES);
            long seeksBefore = v.stats().seeks();
            List<RgbFrame> frames = v.read(idx);
            assertFramesAre(idx, frames, kind + " seek path");
            long distinct = Arrays.stream(idx).distinct().count();
            assertTrue(v.stats().seeks() - seeksBefore >= distinct,
                    "the seek path seeks for every distinct frame: " + v.stats());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void sequentialPathIsFrameExactForTheSameIndices(Kind kind) {
        try (FfmpegVideo v = FfmpegVideo.open(VIDEOS.get(kind)).strategy(ReadStrategy.SEQUENTIAL)) {
            int[] idx = trickyIndices(v.keyFrames(), FRAMES);
            long seeksBefore = v.stats().seeks();
            assertFramesAre(idx, v.read(idx), kind + " sequential path");
            // One pass: at most the initial rewind (the decoder is already at the start after opening).
            assertTrue(v.stats().seeks() - seeksBefore <= 1, v.stats().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void seekAndSequentialGiveIdenticalPixels(Kind kind) {
        int[] idx = {299, 0, 251, 250, 249, 248, 252, 253, 100, 37};
        List<RgbFrame> a;
        List<RgbFrame> b;
        try (FfmpegVideo v = FfmpegVideo.open(VIDEOS.get(kind)).strategy(ReadStrategy.SEEK)) {
            a = v.read(idx);
        }
        try (FfmpegVideo v = FfmpegVideo.open(VIDEOS.get(kind)).strategy(ReadStrategy.SEQUENTIAL)) {
            b = v.read(idx);
        }
        assertEquals(b, a, "decoding from a keyframe and from the start give the same bytes");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void autoStrategyIsFrameExact(Kind kind) {
        try (FfmpegVideo v = FfmpegVideo.open(VIDEOS.get(kind))) {
            assertEquals(ReadStrategy.AUTO, v.strategy());
            int[] mid = Sampling.segmentMiddle(FRAMES, 8);
            assertFramesAre(mid, v.read(mid), "segment middles");
            int[] idx = trickyIndices(v.keyFrames(), FRAMES);
            assertFramesAre(idx, v.read(idx), "tricky indices");
            // Backwards across calls, and the very last frame (only out of the decoder after the final flush).
            assertFramesAre(new int[] {299}, v.read(new int[] {299}), "last");
            assertFramesAre(new int[] {0}, v.read(new int[] {0}), "first again");
            assertFramesAre(new int[] {298, 299}, v.read(new int[] {298, 299}), "tail");
            assertFramesAre(new int[] {5, 5, 5}, v.read(new int[] {5, 5, 5}), "repeats");
            assertEquals(List.of(), v.read(new int[0]));
        }
    }

    @Test
    void autoDecodesThroughALongGopAndSeeksOverWhatItCanSkip() {
        // GOP 250 in 300 frames: the 8 segment middles (18, 56, ..., 243, 281) are cheaper to decode straight
        // through: the keyframe before 281 is 250, only 7 frames past 243, so no seek pays off. One pass, and
        // no frame decoded past the last one asked for.
        try (FfmpegVideo v = FfmpegVideo.open(VIDEOS.get(Kind.H264_MP4))) {
            long decodedBefore = v.stats().framesDecoded();
            int[] mid = Sampling.segmentMiddle(FRAMES, 8);
            v.read(mid);
            long decoded = v.stats().framesDecoded() - decodedBefore;
            assertTrue(decoded <= mid[mid.length - 1] + 1 + FfmpegVideo.SEEK_PENALTY_FRAMES,
                    "decoded " + decoded + " frames for " + Arrays.toString(mid));
            assertEquals(mid.length, v.stats().framesConverted(), "only the requested frames go through swscale");
        }
    }

    @Test
    void autoSeeksWhenTheGopsAreShort() throws Exception {
        Path shortGop = DecodeTestVideos.write(dir.resolve("gop30.mp4"), Kind.MPEG4_BFRAMES_MP4, FRAMES, 30);
        try (FfmpegVideo v = FfmpegVideo.open(shortGop)) {
            assertTrue(v.keyFrames().length >= 9, Arrays.toString(v.keyFrames()));
            long seeks = v.stats().seeks();
            long decoded = v.stats().framesDecoded();
            int[] idx = {10, 150, 290, 40, 260};
            assertFramesAre(idx, v.read(idx), "short GOPs");
            assertTrue(v.stats().seeks() - seeks >= 3, v.stats().toString());
            assertTrue(v.stats().framesDecoded() - decoded < FRAMES / 2,
                    "seeking should skip most of the video: " + v.stats());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void indexOutOfRangeNamesTheFileAndTheIndex(Kind kind) {
        Path p = VIDEOS.get(kind);
        try (FfmpegVideo v = FfmpegVideo.open(p)) {
            VideoException e = assertThrows(VideoException.class, () -> v.read(new int[] {3, FRAMES}));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("frame index " + FRAMES), e.getMessage());
            VideoException neg = assertThrows(VideoException.class, () -> v.read(new int[] {-1}));
            assertTrue(neg.getMessage().contains("-1"), neg.getMessage());
            // The video is still usable after a rejected read.
            assertFramesAre(new int[] {7}, v.read(new int[] {7}), "after error");
        }
    }

    @Test
    void closedVideoRefusesToRead() {
        FfmpegVideo v = FfmpegVideo.open(VIDEOS.get(Kind.H264_MP4));
        v.close();
        v.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> v.read(new int[] {0}));
    }
}
