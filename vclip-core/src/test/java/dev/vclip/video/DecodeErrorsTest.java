package dev.vclip.video;

import dev.vclip.video.DecodeTestVideos.Kind;
import dev.vclip.video.FfmpegVideo.ReadStrategy;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files that are not (complete) videos: the error names the file and says why. */
class DecodeErrorsTest {

    @TempDir
    Path dir;

    static void assertMentions(VideoException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
        }
    }

    /**
     * A 35-byte GIF whose screen and image declare 16000x16000 pixels (768 MB of RGB for one frame): refused from the
     * header, naming the file, the declared size and the setting that changes the limit.
     */
    @Test
    void aHugeDeclaredFrameIsRefusedFromTheHeader() throws Exception {
        Path p = Files.write(dir.resolve("bomb.gif"), LyingFiles.gifDeclaring16000Square());
        VideoException e = assertThrows(VideoException.class, () -> {
            try (VideoSource v = FfmpegVideo.open(p)) {
                v.read(new int[] {0});
            }
        });
        assertMentions(e, p.toString(), "16000x16000", FfmpegVideo.MAX_PIXELS_PROPERTY);
    }

    /**
     * An MP4 whose sample-size table claims two billion entries is refused naming the file; and when FFmpeg answers
     * such a table with "Cannot allocate memory" (ENOMEM, as for some lying tables), the message blames the file's
     * tables, not the machine's memory.
     */
    @Test
    void aLyingSampleTableIsRefusedAsTheFilesFault() throws Exception {
        byte[] mp4 = Files.readAllBytes(DecodeTestVideos.write(dir.resolve("ok.mp4"), DecodeTestVideos.Kind.H264_MP4,
                30, 10));
        int at = indexOf(mp4, "stsz".getBytes());
        assertTrue(at > 0 && mp4[at + 8] == 0 && mp4[at + 9] == 0 && mp4[at + 10] == 0 && mp4[at + 11] == 0,
                "a table of per-sample sizes");
        mp4[at + 12] = 0x7f;
        mp4[at + 13] = (byte) 0xff;
        mp4[at + 14] = (byte) 0xff;
        mp4[at + 15] = (byte) 0xf0;
        Path lying = Files.write(dir.resolve("lying.mp4"), mp4);
        VideoException e = assertThrows(VideoException.class, () -> {
            try (VideoSource v = FfmpegVideo.open(lying)) {
                v.read(new int[] {0});
            }
        });
        assertMentions(e, lying.toString(), "not a video FFmpeg can read");
        assertTrue(FfmpegVideo.openError(-12).contains("damaged or lying tables"), FfmpegVideo.openError(-12));
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void theFrameSizeLimitNamesTheSizeAndLetsSmallerFramesThrough() {
        FfmpegVideo.checkFrameSize("a.mp4", 7680, 4320, FfmpegVideo.DEFAULT_MAX_PIXELS); // 8K passes
        VideoException e = assertThrows(VideoException.class, () -> FfmpegVideo.checkFrameSize("a.mp4", 100, 100,
                9_999));
        assertMentions(e, "a.mp4", "100x100", "0.0 M pixels");
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("nope.mp4");
        VideoException e = assertThrows(VideoException.class, () -> FfmpegVideo.open(p));
        assertMentions(e, p.toString(), "no such file");
    }

    @Test
    void folderIsNotAFile() {
        VideoException e = assertThrows(VideoException.class, () -> FfmpegVideo.open(dir));
        assertMentions(e, dir.toString(), "not a regular file");
    }

    @Test
    void emptyFile() throws Exception {
        Path p = Files.createFile(dir.resolve("empty.mp4"));
        VideoException e = assertThrows(VideoException.class, () -> FfmpegVideo.open(p));
        assertMentions(e, p.toString(), "empty");
    }

    @Test
    void textFileNamedMp4() throws Exception {
        Path p = Files.writeString(dir.resolve("notes.mp4"), "this is not a video\n".repeat(50));
        VideoException e = assertThrows(VideoException.class, () -> FfmpegVideo.open(p));
        assertMentions(e, p.toString(), "not a video");
    }

    @Test
    void textFileNamedTxt() throws Exception {
        // FFmpeg's tty demuxer would happily "decode" this as ANSI art; it must still be refused.
        Path p = Files.writeString(dir.resolve("notes.txt"), "hello\nworld\n".repeat(50));
        VideoException e = assertThrows(VideoException.class, () -> FfmpegVideo.open(p));
        assertMentions(e, p.toString(), "not a video");
    }

    @Test
    void audioOnlyFileHasNoVideoStream() throws Exception {
        Path p = dir.resolve("tone.m4a");
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(p.toFile(), 1)) {
            r.setFormat("mp4");
            r.setSampleRate(16000);
            r.setAudioChannels(1);
            r.start();
            short[] s = new short[16000];
            for (int i = 0; i < s.length; i++) {
                s[i] = (short) (8000 * Math.sin(i * 2 * Math.PI * 440 / 16000));
            }
            r.recordSamples(16000, 1, ShortBuffer.wrap(s));
            r.stop();
        }
        VideoException e = assertThrows(VideoException.class, () -> FfmpegVideo.open(p));
        assertMentions(e, p.toString(), "no video stream");
    }

    /** MP4 written the usual way: index (moov) at the end. Cut in half, the index is gone. */
    @Test
    void truncatedMp4WithoutItsIndexFailsToOpen() throws Exception {
        Path full = DecodeTestVideos.write(dir.resolve("full.mp4"), Kind.H264_MP4, 300, 250);
        byte[] bytes = Files.readAllBytes(full);
        Path cut = Files.write(dir.resolve("cut.mp4"), Arrays.copyOf(bytes, bytes.length / 2));
        VideoException e = assertThrows(VideoException.class, () -> FfmpegVideo.open(cut));
        assertMentions(e, cut.toString(), "truncated", "moov");
    }

    /**
     * Faststart MP4 (index first) cut at 60%: the index promises 300 frames, the data holds fewer. The frame count
     * is what can be decoded, and every frame below it decodes, by either path.
     */
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H264_MP4", "MPEG4_BFRAMES_MP4"})
    void truncatedFaststartMp4CountsOnlyDecodableFrames(Kind kind) throws Exception {
        Path full = DecodeTestVideos.write(dir.resolve("fs.mp4"), kind, 300, 250, true, 0);
        byte[] bytes = Files.readAllBytes(full);
        Path cut = Files.write(dir.resolve("fs_cut.mp4"), Arrays.copyOf(bytes, bytes.length * 6 / 10));
        int n;
        int[] seqIds;
        try (FfmpegVideo v = FfmpegVideo.open(cut).strategy(ReadStrategy.SEQUENTIAL)) {
            n = v.info().frameCount();
            assertTrue(v.truncated(), v.countMethod());
            assertEquals(300, v.containerFrameCount());
            assertTrue(n > 50 && n < 300, "frame count " + n);
            String damage = v.info().damage();
            assertTrue(damage != null && damage.contains(n + " frames decode of the 300"), damage);
            seqIds = v.read(IntStream.range(0, n).toArray()).stream().mapToInt(DecodeTestVideos::indexOf).toArray();
            // Frames keep their identity: increasing, and exact up to the cut (B-frames whose packets were cut
            // off can leave a gap just before the last frames, never a wrong frame).
            for (int i = 1; i < n; i++) {
                assertTrue(seqIds[i] > seqIds[i - 1], Arrays.toString(seqIds));
            }
            for (int i = 0; i < n - 3; i++) {
                assertEquals(i, seqIds[i], "frame " + i);
            }
        }
        try (FfmpegVideo v = FfmpegVideo.open(cut).strategy(ReadStrategy.SEEK)) {
            int[] idx = {n - 1, 0, n / 2, n - 2};
            List<RgbFrame> frames = v.read(idx);
            int[] ids = frames.stream().mapToInt(DecodeTestVideos::indexOf).toArray();
            assertArrayEquals(new int[] {seqIds[n - 1], 0, seqIds[n / 2], seqIds[n - 2]}, ids);
            VideoException e = assertThrows(VideoException.class, () -> v.read(new int[] {n}));
            assertMentions(e, cut.toString(), "frame index " + n);
        }
    }

    @Test
    void errorsThroughVideoSourcesNameTheSpec() {
        VideoException e = assertThrows(VideoException.class, () -> VideoSources.open(dir.resolve("x.mkv").toString()));
        assertMentions(e, "x.mkv", "no such file");
    }
}
