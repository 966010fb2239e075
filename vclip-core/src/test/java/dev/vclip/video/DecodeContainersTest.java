package dev.vclip.video;

import dev.vclip.video.FfmpegVideo.ReadStrategy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Containers where frames cannot simply be counted from an index: raw elementary streams and AVI (no
 * presentation timestamps: frames counted by decoding and numbered in output order), MPEG-TS (no index: seeks land
 * on arbitrary packets, possibly P-frames), MOV and NUT. Every strategy must still be frame-exact.
 */
class DecodeContainersTest {

    static final int FRAMES = 250;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            // muxer, codec, B-frames, file extension, expected way of counting (prefix)
            "h264, h264, 0, .h264, decoded",
            "m4v, mpeg4, 2, .m4v, packet scan",
            "avi, mpeg4, 2, .avi, decoded",
            "mpegts, mpeg4, 2, .ts, packet scan",
            "mpegts, h264, 0, .ts, packet scan",
            "mov, mpeg4, 2, .mov, packet scan",
            "nut, mpeg4, 2, .nut, packet scan",
            "matroska, h264, 0, .mkv, packet scan",
    })
    void everyStrategyIsFrameExact(String format, String codec, int bFrames, String ext, String counting)
            throws Exception {
        Path p = DecodeTestVideos.write(dir.resolve("v" + ext), format, codec, bFrames, FRAMES, 100, false, 0);
        int[] idx = {249, 0, 100, 99, 101, 102, 150, 5, 5, 248, 1};
        try (FfmpegVideo v = FfmpegVideo.open(p)) {
            assertEquals(FRAMES, v.info().frameCount(), v.countMethod());
            assertEquals(codec, v.info().codec());
            assertTrue(v.countMethod().startsWith(counting), v.countMethod());
            for (ReadStrategy s : ReadStrategy.values()) {
                v.strategy(s);
                int[] got = v.read(idx).stream().mapToInt(DecodeTestVideos::indexOf).toArray();
                assertArrayEquals(idx, got, format + "/" + codec + " " + s + " " + Arrays.toString(got));
            }
        }
    }
}
